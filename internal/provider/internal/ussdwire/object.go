package ussdwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
)

// Object is the members of one JSON object, by name, values undecoded.
type Object struct {
	members map[string]json.RawMessage
	fold    bool
}

// ParseObject reads body as exactly one JSON object. With fold, names are
// matched ignoring ASCII case (as the provider's own server would match
// them), so "Mobile" and "mobile" are the same member. It refuses with a
// 400 *channel.Error a body that is not UTF-8, not one JSON object, or that
// gives a member twice: two readers of the request (a proxy, a log, this
// gateway) must not be able to read two different values.
func ParseObject(body []byte, fold bool) (Object, error) {
	if !utf8.Valid(body) {
		return Object{}, channel.BadRequest("body is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return Object{}, channel.BadRequest("malformed JSON body: want one object")
	}
	o := Object{members: map[string]json.RawMessage{}, fold: fold}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return Object{}, channel.BadRequest("malformed JSON body")
		}
		name, _ := t.(string) // inside an object, a token before a value is its name
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return Object{}, channel.BadRequest("malformed JSON body")
		}
		key := o.key(name)
		if _, dup := o.members[key]; dup {
			return Object{}, channel.BadRequest("repeated field: %s", safeName(name))
		}
		o.members[key] = v
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return Object{}, channel.BadRequest("malformed JSON body")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Object{}, channel.BadRequest("malformed JSON body: data after the object")
	}
	return o, nil
}

// key is the name a member is filed under.
func (o Object) key(name string) string {
	if !o.fold {
		return name
	}
	b := []byte(name)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Field returns the member name as text: a JSON string as is, a JSON
// number as written (providers send ids and numbers either way). ok is
// false when the member is absent or null. Any other value (true, an
// object, an array) is refused with a 400 naming the field.
func (o Object) Field(name string) (s string, ok bool, err error) {
	v, there := o.members[o.key(name)]
	if !there {
		return "", false, nil
	}
	switch {
	case len(v) > 0 && v[0] == '"':
		if err := json.Unmarshal(v, &s); err != nil {
			return "", false, channel.BadRequest("bad %s", name)
		}
		return s, true, nil
	case len(v) > 0 && (v[0] == '-' || ('0' <= v[0] && v[0] <= '9')):
		return string(v), true, nil
	case string(v) == "null":
		return "", false, nil
	}
	return "", false, channel.BadRequest("bad %s: want a string", name)
}

// plainName is a member name a refusal may quote: it starts with a letter
// (so it is not a phone number) and is short.
var plainName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,31}$`)

// safeName is a member's name as a refusal may quote it.
func safeName(name string) string {
	if !plainName.MatchString(name) {
		return "(a name not quoted)"
	}
	return name
}
