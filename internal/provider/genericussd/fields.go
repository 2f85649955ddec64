package genericussd

import (
	"net/url"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/internal/ussdwire"
)

// inQuery tells whether some requests carry their fields in the query.
func (c Config) inQuery() bool { return c.accepts("GET") || c.Encoding == Query }

// lookup returns a field's text and whether it was given.
type lookup func(name string) (string, bool, error)

// fields returns how to read the request's fields: from the query for a
// GET or the query encoding, else from the body as the encoding says.
func (c Config) fields(r provider.Request) (lookup, error) {
	switch {
	case r.Method == "GET" || c.Encoding == Query:
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			return nil, channel.BadRequest("malformed query")
		}
		return values(q), nil
	case c.Encoding == Form:
		f, err := url.ParseQuery(string(r.Body))
		if err != nil {
			return nil, channel.BadRequest("malformed form body")
		}
		return values(f), nil
	}
	o, err := ussdwire.ParseObject(r.Body, false)
	if err != nil {
		return nil, err
	}
	return o.Field, nil
}

// values reads fields from a query or form, refusing a field given twice:
// two readers of the request must not read two different values.
func values(v url.Values) lookup {
	return func(name string) (string, bool, error) {
		switch vs := v[name]; len(vs) {
		case 0:
			return "", false, nil
		case 1:
			return vs[0], true, nil
		}
		return "", false, channel.BadRequest("repeated field: %s", name)
	}
}
