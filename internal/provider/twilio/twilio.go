// Package twilio speaks Twilio's Programmable Messaging wire formats: the
// inbound SMS webhook (form POST signed with X-Twilio-Signature), TwiML
// answers and delivery status callbacks. It knows nothing of HTTP servers:
// it takes form values and strings and returns msg values.
package twilio

import (
	"net/url"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

// Provider is the name of this provider in messages, dedupe keys and
// delivery records.
const Provider = "twilio"

// Limits on the fields of a webhook.
const (
	// MaxBody is the most characters of an inbound Body (Twilio's own limit).
	MaxBody = 1600
	// MaxID is the longest message SID or message id accepted.
	MaxID = 128
)

// ParseForm decodes an application/x-www-form-urlencoded body as
// url.ParseQuery would (channel.ParseForm). The returned values do not
// alias body. It returns a 400 *channel.Error for a malformed body.
func ParseForm(body []byte) (url.Values, error) {
	form, err := channel.ParseForm(string(body))
	if err != nil {
		return nil, channel.BadRequest("malformed form body")
	}
	return form, nil
}

// ParseSMS turns the form of Twilio's inbound messaging webhook into an
// Inbound. From, MessageSid and Body must be present (Body may be empty);
// To is taken as sent; every other field is ignored. It returns a
// *channel.Error for a missing or malformed field: 400, or 413 for a Body
// over MaxBody characters.
func ParseSMS(form url.Values, now time.Time) (msg.Inbound, error) {
	if err := channel.Require(form, "From", "MessageSid", "Body"); err != nil {
		return msg.Inbound{}, err
	}
	return channel.SMS{
		ID: form.Get("MessageSid"), From: form.Get("From"), To: form.Get("To"), Text: form.Get("Body"),
		IDName: "MessageSid", FromName: "From", TextName: "Body", MaxID: MaxID, MaxText: MaxBody,
	}.Inbound(Provider, now)
}

// ValidID reports whether s can name a message: 1 to MaxID printable ASCII
// characters without spaces. Ids end up in store keys and logs.
func ValidID(s string) bool { return channel.ValidID(s, MaxID) }
