package africastalking

import (
	"net/url"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// Limits on the fields of SMS callbacks.
const (
	// MaxSMSText is the most characters of an inbound SMS text.
	MaxSMSText = 1600
	// MaxID is the longest message id accepted.
	MaxID = 128
)

// ParseSMS decodes Africa's Talking's incoming-message callback body
// (application/x-www-form-urlencoded: id, from, to, text, date, linkId,
// networkCode). id, from, to and text must be present (text may be empty);
// date and linkId are optional and not kept. The Inbound's ExternalID is the
// id, on which retries are deduplicated. It returns a *channel.Error for a
// missing or malformed field: 400, or 413 for a text over MaxSMSText
// characters. The returned strings do not alias body.
func ParseSMS(body []byte, now time.Time) (msg.Inbound, error) {
	form, err := parseForm(body, "id", "from", "to", "text")
	if err != nil {
		return msg.Inbound{}, err
	}
	return channel.SMS{
		ID: form.Get("id"), From: form.Get("from"), To: form.Get("to"), Text: form.Get("text"),
		IDName: "id", FromName: "from", TextName: "text", MaxID: MaxID, MaxText: MaxSMSText,
	}.Inbound(Provider, now)
}

// smsStates maps Africa's Talking's delivery report statuses to ours.
var smsStates = map[string]msg.DeliveryState{
	"Sent":             msg.Sent, // accepted by AT's network
	"Submitted":        msg.Sent, // handed to the operator
	"Buffered":         msg.Sent, // queued by the operator
	"Success":          msg.Delivered,
	"Rejected":         msg.Failed,
	"Failed":           msg.Failed,
	"AbsentSubscriber": msg.Undelivered,
	"Expired":          msg.Undelivered,
}

// optOutReasons are the failureReason values telling that the recipient
// blocks our messages.
var optOutReasons = map[string]bool{"UserInBlacklist": true, "DoNotDisturbRejection": true}

// ParseSMSStatus decodes a delivery report callback body (id, status,
// phoneNumber, networkCode, failureReason, retryCount). id and status are
// required. The report's Code is the failureReason. It returns a 400
// *channel.Error for a missing field, a bad id or an unknown status.
func ParseSMSStatus(body []byte, now time.Time) (provider.Report, error) {
	form, err := parseForm(body, "id", "status")
	if err != nil {
		return provider.Report{}, err
	}
	id := form.Get("id")
	if !validID(id) {
		return provider.Report{}, channel.BadRequest("bad id")
	}
	state, ok := smsStates[form.Get("status")]
	if !ok {
		return provider.Report{}, channel.BadRequest("unknown status")
	}
	reason := form.Get("failureReason")
	if len(reason) > 64 {
		return provider.Report{}, channel.BadRequest("bad failureReason")
	}
	to, _ := msg.ParseAddress(form.Get("phoneNumber")) // optional: only opt-outs need it
	return provider.Report{
		Status:   msg.Status{ID: id, Provider: Provider, ProviderID: id, State: state, Code: reason, At: now},
		To:       to,
		OptedOut: optOutReasons[reason],
	}, nil
}

// parseForm decodes a form body and checks that the required keys are
// present.
func parseForm(body []byte, required ...string) (url.Values, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, channel.BadRequest("malformed form body")
	}
	if err := channel.Require(form, required...); err != nil {
		return nil, err
	}
	return form, nil
}

// validID reports whether s can name a message: 1 to MaxID printable ASCII
// characters without spaces. Ids end up in store keys and logs.
func validID(s string) bool { return channel.ValidID(s, MaxID) }
