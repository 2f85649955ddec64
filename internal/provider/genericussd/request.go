package genericussd

import (
	"strings"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/internal/ussdwire"
)

// Parse decodes one request as c says: the session, the caller's number
// (msg.ParseAddress, any form with the default region), the service code,
// the input (turned into the latest answer with its hop number, or into a
// cumulative text) and the optional sequence. Every field must be given
// once; the input may be empty. A refusal is a *channel.Error naming the
// field, never quoting its value: 400, or 413 for an input too long.
func (c Config) Parse(r provider.Request) (msg.Inbound, error) {
	get, err := c.fields(r)
	if err != nil {
		return msg.Inbound{}, err
	}
	names := []string{c.SessionField, c.PhoneField, c.ServiceCodeField, c.InputField}
	if c.SequenceField != "" {
		names = append(names, c.SequenceField)
	}
	vals, present := make([]string, len(names)), make([]bool, len(names))
	for i, n := range names {
		if vals[i], present[i], err = get(n); err != nil {
			return msg.Inbound{}, err
		}
	}
	if err := ussdwire.Missing(names, present); err != nil {
		return msg.Inbound{}, err
	}
	sid, phone, code, input := vals[0], vals[1], vals[2], vals[3]
	in := msg.Inbound{Channel: msg.USSD, Provider: Provider, To: code, Session: sid, Received: r.Now}
	if err := ussdwire.Session(c.SessionField, sid); err != nil {
		return msg.Inbound{}, err
	}
	if err := ussdwire.ServiceCode(c.ServiceCodeField, code); err != nil {
		return msg.Inbound{}, err
	}
	if c.SequenceField != "" {
		if err := ussdwire.Seq(c.SequenceField, vals[4]); err != nil {
			return msg.Inbound{}, err
		}
		in.Seq = vals[4]
	}
	if err := ussdwire.Input(c.InputField, input); err != nil {
		return msg.Inbound{}, err
	}
	if in.Text, in.Cumulative, err = c.text(input, code); err != nil {
		return msg.Inbound{}, err
	}
	if in.From, err = ussdwire.Phone(c.PhoneField, phone); err != nil {
		return msg.Inbound{}, err
	}
	return in, nil
}

// text turns the input into the message's text and tells whether it is
// cumulative.
func (c Config) text(input, code string) (string, bool, error) {
	switch c.Input {
	case Latest:
		return input, false, nil
	case USSDString:
		t, ok := StripServiceCode(input, code)
		if !ok {
			return "", false, channel.BadRequest("%s does not start with %s", c.InputField, c.ServiceCodeField)
		}
		return t, true, nil
	}
	return input, true, nil
}

// StripServiceCode turns a whole USSD string into the answers joined by
// '*': with code *415# (or 415), "*415#" is "" (the dial) and
// "*415*33*1#" is "33*1". ok is false when s does not start with the code.
func StripServiceCode(s, code string) (string, bool) {
	s, code = bare(s), bare(code)
	switch {
	case code == "":
		return "", false
	case s == code:
		return "", true
	case strings.HasPrefix(s, code+"*"):
		return s[len(code)+1:], true
	}
	return "", false
}

// bare is a USSD string without its leading '*' and trailing '#'.
func bare(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, "*"), "#") }
