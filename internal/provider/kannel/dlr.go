package kannel

import (
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// Kannel's delivery report types (%d), the bits of dlr-mask.
const (
	dlrDelivered    = "1"  // delivered to the phone
	dlrUndelivered  = "2"  // not delivered to the phone
	dlrQueued       = "4"  // queued on the SMSC
	dlrSMSCAccepted = "8"  // accepted by the SMSC
	dlrSMSCRejected = "16" // refused by the SMSC
)

// dlrMask asks for every report but "queued on the SMSC" (1+2+8+16).
const dlrMask = "27"

var dlrStates = map[string]msg.DeliveryState{
	dlrDelivered:    msg.Delivered,
	dlrUndelivered:  msg.Undelivered,
	dlrQueued:       msg.Sent,
	dlrSMSCAccepted: msg.Sent,
	dlrSMSCRejected: msg.Failed,
}

// dlrFields are the query parameters of a delivery report: the dlr-url the
// sender wrote (token, mid) with Kannel's %d filled in as type.
var dlrFields = []string{"token", smppgw.MessageIDParam, "type"}

// ParseDLR decodes a delivery report from the query string of the dlr-url
// Kannel fetches: mid (our message id, written by the sender) and type
// (%d). Kannel's sendsms answers with no id of its own, so the report is
// filed under ours. A failure's Code is its type. It returns a 400
// *channel.Error for a missing, repeated or bad field, or an unknown type.
func ParseDLR(rawQuery string, now time.Time) (provider.Report, error) {
	q, err := smppgw.Form(rawQuery, dlrFields...)
	if err != nil {
		return provider.Report{}, err
	}
	if err := channel.Require(q, smppgw.MessageIDParam, "type"); err != nil {
		return provider.Report{}, err
	}
	id := q.Get(smppgw.MessageIDParam)
	if !smppgw.ValidMessageID(id) {
		return provider.Report{}, channel.BadRequest("bad mid")
	}
	typ := q.Get("type")
	state, ok := dlrStates[typ]
	if !ok {
		return provider.Report{}, channel.BadRequest("unknown type")
	}
	code := ""
	if state == msg.Undelivered || state == msg.Failed {
		code = typ
	}
	return provider.Report{Status: msg.Status{ID: id, Provider: Provider, State: state, Code: code, At: now}}, nil
}
