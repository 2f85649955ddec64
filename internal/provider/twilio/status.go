package twilio

import (
	"net/url"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// OptOutCode is Twilio's error code for a recipient who replied STOP: the
// message was not sent and none will be until they reply START.
const OptOutCode = "21610"

// states maps Twilio's MessageStatus values to ours.
var states = map[string]msg.DeliveryState{
	"accepted":    msg.Queued,
	"scheduled":   msg.Queued,
	"queued":      msg.Queued,
	"sending":     msg.Queued,
	"sent":        msg.Sent,
	"delivered":   msg.Delivered,
	"read":        msg.Delivered,
	"undelivered": msg.Undelivered,
	"failed":      msg.Failed,
	"canceled":    msg.Failed,
}

// ParseStatus decodes the form of a status callback. mid is the "mid" query
// parameter the sender added to the callback URL (our message id); without
// one the report is filed under the MessageSid. MessageSid and MessageStatus
// are required; ErrorCode and To are optional. It returns a 400
// *channel.Error for a missing field, a bad id or an unknown status.
func ParseStatus(form url.Values, mid string, now time.Time) (provider.Report, error) {
	if err := channel.Require(form, "MessageSid", "MessageStatus"); err != nil {
		return provider.Report{}, err
	}
	sid := form.Get("MessageSid")
	if !ValidID(sid) {
		return provider.Report{}, channel.BadRequest("bad MessageSid")
	}
	id := mid
	if id == "" {
		id = sid
	}
	if !ValidID(id) {
		return provider.Report{}, channel.BadRequest("bad mid")
	}
	state, ok := states[form.Get("MessageStatus")]
	if !ok {
		return provider.Report{}, channel.BadRequest("unknown MessageStatus")
	}
	code := form.Get("ErrorCode")
	if len(code) > 16 {
		return provider.Report{}, channel.BadRequest("bad ErrorCode")
	}
	to, _ := msg.ParseAddress(form.Get("To")) // optional: only opt-outs need it
	return provider.Report{
		Status:   msg.Status{ID: id, Provider: Provider, ProviderID: sid, State: state, Code: code, At: now},
		To:       to,
		OptedOut: code == OptOutCode,
	}, nil
}
