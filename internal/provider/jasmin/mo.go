package jasmin

import (
	"encoding/hex"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// Provider is the provider's name.
const Provider = "jasmin"

// Limits on the fields Jasmin posts.
const (
	// MaxText is the most characters of an inbound message (Jasmin joins
	// the parts of a long one).
	MaxText = 1600
	// MaxID is the longest message id accepted (Jasmin's are UUIDs).
	MaxID = 128
	// maxTo is the longest destination address accepted.
	maxTo = 32
)

// moFields are the fields of an inbound message Passerelle reads; each is
// refused when given twice.
var moFields = []string{"id", "from", "to", "content", "binary", "coding"}

// ParseMO decodes an inbound message (SMS-MO) as Jasmin's HTTP client
// connector posts it (a form: id, from, to, origin-connector, priority,
// coding, validity, content, binary). id, from, to and content are
// required; the text is decoded from its bytes by coding (see alphabetOf),
// the bytes taken from binary (their hex form) when it is sent, which must
// then equal content. The Inbound's ExternalID is id, on which Jasmin's
// retries are deduplicated; its reply goes through the outbox. It returns a
// *channel.Error for a refused message: 400, or 413 for a text over
// MaxText characters.
func ParseMO(body []byte, now time.Time) (msg.Inbound, error) {
	form, err := smppgw.Form(string(body), moFields...)
	if err != nil {
		return msg.Inbound{}, err
	}
	if err := channel.Require(form, "id", "from", "to", "content"); err != nil {
		return msg.Inbound{}, err
	}
	raw := []byte(form.Get("content"))
	if bin, ok := form["binary"]; ok {
		b, err := hex.DecodeString(bin[0])
		if err != nil {
			return msg.Inbound{}, channel.BadRequest("bad binary")
		}
		if string(b) != string(raw) {
			return msg.Inbound{}, channel.BadRequest("content and binary differ")
		}
		raw = b
	}
	a, err := alphabetOf(form.Get("coding"))
	if err != nil {
		return msg.Inbound{}, err
	}
	text, err := decodeContent(a, raw)
	if err != nil {
		return msg.Inbound{}, err
	}
	if !channel.ValidID(form.Get("to"), maxTo) {
		return msg.Inbound{}, channel.BadRequest("bad to")
	}
	in, err := channel.SMS{
		ID: form.Get("id"), From: form.Get("from"), To: form.Get("to"), Text: text,
		IDName: "id", FromName: "from", TextName: "content", MaxID: MaxID, MaxText: MaxText,
	}.Inbound(Provider, now)
	in.ReplyOutOfBand = true
	return in, err
}
