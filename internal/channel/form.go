package channel

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/msg"
)

// Require returns a 400 *Error naming the keys absent from form.
func Require(form url.Values, keys ...string) error {
	var missing []string
	for _, k := range keys {
		if len(form[k]) == 0 {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return BadRequest("missing field: %s", strings.Join(missing, ", "))
	}
	return nil
}

// ValidID tells whether a provider's message or session id is usable: 1 to
// max printable ASCII characters, no space.
func ValidID(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// SMS is an inbound text message's fields as a provider sent them, with the
// names it gives them (for the reasons of refusals).
type SMS struct {
	ID, From, To, Text         string
	IDName, FromName, TextName string
	MaxID, MaxText             int
}

// Inbound checks an inbound SMS and returns it as a msg.Inbound of
// provider. It returns a 400 *Error for a bad id, a text that is not UTF-8
// or a number that cannot be a phone number (msg.ParseAddress), and a 413 for a text over MaxText
// characters.
func (s SMS) Inbound(provider string, now time.Time) (msg.Inbound, error) {
	switch {
	case !ValidID(s.ID, s.MaxID):
		return msg.Inbound{}, BadRequest("bad %s", s.IDName)
	case !utf8.ValidString(s.Text):
		return msg.Inbound{}, BadRequest("%s is not UTF-8", s.TextName)
	case utf8.RuneCountInString(s.Text) > s.MaxText:
		return msg.Inbound{}, &Error{Status: 413, Reason: s.TextName + " too long"}
	}
	from, err := msg.ParseAddress(s.From)
	if err != nil {
		return msg.Inbound{}, BadRequest("%s is not a phone number", s.FromName)
	}
	return msg.Inbound{
		Channel: msg.SMS, Provider: provider, From: from, To: s.To,
		Text: s.Text, ExternalID: s.ID, Received: now,
	}, nil
}
