// Package africastalking speaks Africa's Talking's wire formats: the USSD
// callback (form POST, cumulative text, CON/END plain-text answers).
package africastalking

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

// Provider is the name of this provider in messages and dedupe keys.
const Provider = "africastalking"

// Limits on the fields of a USSD callback.
const (
	MaxSessionID = 128
	MaxText      = 1024
)

// ussdFields are the fields a USSD callback must carry (channel.Fields
// reads them; networkCode is required, not used).
var ussdFields = [...]string{"sessionId", "serviceCode", "phoneNumber", "networkCode", "text"}

// ParseUSSD decodes an Africa's Talking USSD callback body
// (application/x-www-form-urlencoded: sessionId, serviceCode, phoneNumber,
// networkCode, text). Every field must be present; text may be empty (the
// first hop). It returns a *channel.Error for a missing or malformed field.
// The returned strings do not alias body.
func ParseUSSD(body []byte, now time.Time) (msg.Inbound, error) {
	var v [len(ussdFields)]string
	missing, err := channel.Fields(string(body), ussdFields[:], v[:])
	if err != nil {
		return msg.Inbound{}, channel.BadRequest("malformed form body")
	}
	if len(missing) > 0 {
		return msg.Inbound{}, channel.BadRequest("missing field: %s", strings.Join(missing, ", "))
	}
	sid, code, phone, text := v[0], v[1], v[2], v[4]
	switch {
	case sid == "" || len(sid) > MaxSessionID:
		return msg.Inbound{}, channel.BadRequest("bad sessionId")
	case code == "":
		return msg.Inbound{}, channel.BadRequest("empty serviceCode")
	case len(text) > MaxText:
		return msg.Inbound{}, &channel.Error{Status: 413, Reason: "text too long"}
	case !utf8.ValidString(text):
		return msg.Inbound{}, channel.BadRequest("text is not UTF-8")
	}
	from, err := msg.ParseAddress(phone)
	if err != nil {
		if errors.Is(err, msg.ErrInvalidAddress) {
			return msg.Inbound{}, channel.BadRequest("phoneNumber is not a phone number")
		}
		return msg.Inbound{}, channel.BadRequest("bad phoneNumber")
	}
	return msg.Inbound{
		Channel: msg.USSD, Provider: Provider, From: from, To: code,
		Session: sid, Text: text, Cumulative: true, Received: now,
	}, nil
}

// FormatUSSD writes a reply as Africa's Talking expects: "CON " when the
// session goes on, "END " when it is over, then the screen (the reply's
// messages, one a line), built in one allocation.
func FormatUSSD(r msg.Reply) string {
	prefix := "CON "
	if r.End {
		prefix = "END "
	}
	n := len(prefix) + max(len(r.Messages)-1, 0)
	for _, m := range r.Messages {
		n += len(m)
	}
	if n == len(prefix) {
		return prefix // no text: no copy
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for i, m := range r.Messages {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(m)
	}
	return b.String()
}
