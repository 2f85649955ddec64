package kannel

import (
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// Provider is the provider's name.
const Provider = "kannel"

// Limits on the fields of an inbound message.
const (
	// MaxText is the most characters of an inbound message.
	MaxText = 1600
	// MaxID is the longest message id accepted (Kannel's are UUIDs).
	MaxID = 128
	// maxTo is the longest receiver address accepted.
	maxTo = 32
)

// moFields are the query parameters of an inbound message, as the
// sms-service's get-url names them (README): each is refused when given
// twice.
var moFields = []string{"id", "from", "to", "text", "coding", "charset"}

// ParseMO decodes an inbound message from the query string of Kannel's
// sms-service get-url: id (%I, the message's UUID, which stays the same
// when smsbox retries the request), from (%p), to (%P), text (%b, the
// message's bytes), coding (%c) and charset (%C). id, from, to and text
// are required; coding defaults to 0 and charset to the coding's (see
// decodeText). The Inbound's ExternalID is id, on which retries are
// deduplicated; its reply goes through the outbox. It returns a
// *channel.Error for a refused message: 400, or 413 for a text over
// MaxText characters.
func ParseMO(rawQuery string, now time.Time) (msg.Inbound, error) {
	q, err := smppgw.Form(rawQuery, moFields...)
	if err != nil {
		return msg.Inbound{}, err
	}
	if err := channel.Require(q, "id", "from", "to", "text"); err != nil {
		return msg.Inbound{}, err
	}
	text, err := decodeText(q.Get("coding"), q.Get("charset"), []byte(q.Get("text")))
	if err != nil {
		return msg.Inbound{}, err
	}
	if !channel.ValidID(q.Get("to"), maxTo) {
		return msg.Inbound{}, channel.BadRequest("bad to")
	}
	in, err := channel.SMS{
		ID: q.Get("id"), From: q.Get("from"), To: q.Get("to"), Text: text,
		IDName: "id", FromName: "from", TextName: "text", MaxID: MaxID, MaxText: MaxText,
	}.Inbound(Provider, now)
	in.ReplyOutOfBand = true
	return in, err
}
