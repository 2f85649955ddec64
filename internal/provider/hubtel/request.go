// Package hubtel speaks Hubtel's USSD JSON protocol (programmable
// services): a JSON POST per hop carrying Type (Initiation, Response,
// Release, Timeout), Mobile, SessionId, ServiceCode, Message (the latest
// answer only), Operator, Sequence and ClientState, answered with a JSON
// screen of Type Response (the session goes on) or Release (it ends).
//
// Mobile is read by msg.ParseAddress: with '+', with the international
// prefix, without '+' when it starts with the default region's country
// code, or in national form in that region. Hubtel writes Ghanaian numbers
// 233… or 0…: those need PASSERELLE_PHONE_REGION=GH; with the default
// region (CM) they are refused (400), while 237… numbers are read.
package hubtel

import (
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/internal/ussdwire"
)

// Provider is the name of this provider in messages and dedupe keys.
const Provider = "hubtel"

// Request types, lower case (Hubtel's documentation writes them both
// "Initiation" and "initiation"; they are matched ignoring case).
const (
	typeInitiation = "initiation"
	typeResponse   = "response"
	typeRelease    = "release"
	typeTimeout    = "timeout"
)

// maxSequence bounds Sequence: a session has a few dozen hops at most.
const maxSequence = 1_000_000

// ParseRequest decodes one Hubtel USSD request body. Initiation opens the
// session (Text empty: Message then holds the dialled code, not an
// answer); Response carries the latest answer, numbered by Sequence (Seq),
// so that the same answer given twice is not taken for a retry. Release
// and Timeout end the session: it returns a *provider.Direct answering
// them without a hop, and nothing is stored. Field names are matched
// ignoring case, and a field given twice is refused. Any other refusal is a
// *channel.Error naming the field (400, or 413 for a Message too long).
func ParseRequest(body []byte, now time.Time) (msg.Inbound, error) {
	o, err := ussdwire.ParseObject(body, true)
	if err != nil {
		return msg.Inbound{}, err
	}
	f, err := read(o, "Type", "SessionId", "Mobile", "ServiceCode", "Message", "Sequence")
	if err != nil {
		return msg.Inbound{}, err
	}
	typ, sid := f["Type"], f["SessionId"]
	if err := ussdwire.Missing([]string{"Type", "SessionId"}, []bool{typ.ok, sid.ok}); err != nil {
		return msg.Inbound{}, err
	}
	t := strings.ToLower(typ.v)
	switch t {
	case typeInitiation, typeResponse:
	case typeRelease, typeTimeout:
		if err := ussdwire.Session("SessionId", sid.v); err != nil {
			return msg.Inbound{}, err
		}
		return msg.Inbound{}, &provider.Direct{Response: ended(sid.v)}
	default:
		return msg.Inbound{}, channel.BadRequest("unknown Type: want Initiation, Response, Release or Timeout")
	}
	mobile, code, text, seq := f["Mobile"], f["ServiceCode"], f["Message"], f["Sequence"]
	answer := t == typeResponse
	if err := ussdwire.Missing([]string{"Mobile", "ServiceCode", "Message", "Sequence"},
		[]bool{mobile.ok, code.ok, text.ok || !answer, seq.ok || !answer}); err != nil {
		return msg.Inbound{}, err
	}
	if err := ussdwire.Session("SessionId", sid.v); err != nil {
		return msg.Inbound{}, err
	}
	if err := ussdwire.ServiceCode("ServiceCode", code.v); err != nil {
		return msg.Inbound{}, err
	}
	in := msg.Inbound{Channel: msg.USSD, Provider: Provider, To: code.v, Session: sid.v, Received: now}
	if seq.ok {
		if in.Seq, err = sequence(seq.v); err != nil {
			return msg.Inbound{}, err
		}
	}
	if answer {
		if err := ussdwire.Input("Message", text.v); err != nil {
			return msg.Inbound{}, err
		}
		in.Text = text.v
	}
	if in.From, err = ussdwire.Phone("Mobile", mobile.v); err != nil {
		return msg.Inbound{}, err
	}
	return in, nil
}

// field is one field's text and whether it was given.
type field struct {
	v  string
	ok bool
}

// read returns the named fields of o.
func read(o ussdwire.Object, names ...string) (map[string]field, error) {
	out := make(map[string]field, len(names))
	for _, n := range names {
		v, ok, err := o.Field(n)
		if err != nil {
			return nil, err
		}
		out[n] = field{v, ok}
	}
	return out, nil
}

// sequence reads Sequence (a JSON number or a string of digits, from 1)
// in one canonical form, so that 2 and "02" number the same hop.
func sequence(s string) (string, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxSequence || strings.HasPrefix(s, "+") {
		return "", channel.BadRequest("bad Sequence: want a whole number from 1")
	}
	return strconv.Itoa(n), nil
}
