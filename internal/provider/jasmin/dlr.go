package jasmin

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// receiptStates maps the states of a terminal-level receipt (dlr-level 2
// or 3; SMPP's message_state names) to ours. A level-1 receipt carries the
// SMSC's answer to the submission instead: ESME_ROK (sent), or any other
// ESME_ status (failed).
var receiptStates = map[string]msg.DeliveryState{
	"DELIVRD": msg.Delivered,
	"ACCEPTD": msg.Sent,
	"ENROUTE": msg.Sent,
	"UNKNOWN": msg.Sent, // not final: the SMSC says nothing yet
	"EXPIRED": msg.Undelivered,
	"UNDELIV": msg.Undelivered,
	"REJECTD": msg.Failed,
	"DELETED": msg.Failed,
}

var (
	esmeStatus = regexp.MustCompile(`^ESME_R[A-Z0-9_]{1,24}$`)
	errCode    = regexp.MustCompile(`^[0-9A-Za-z]{1,16}$`)
)

// dlrFields are the fields of a receipt Passerelle reads.
var dlrFields = []string{"id", "message_status", "err"}

// ParseDLR decodes a delivery receipt as Jasmin posts it to the dlr-url
// (a form: id, message_status, level, connector, and for a terminal
// receipt id_smsc, sub, dlvrd, subdate, donedate, err, text; the text is
// never read). query is the dlr-url's: its "mid" is our message id, put
// there by the sender; without one the receipt is filed under Jasmin's id,
// which the outbox recorded when the message was sent. The Code is the
// network error (err) when it is not zero, else the status of a failure.
// It returns a 400 *channel.Error for a missing or repeated field, a bad id
// or an unknown status.
func ParseDLR(body []byte, query url.Values, now time.Time) (provider.Report, error) {
	if len(query[smppgw.MessageIDParam]) > 1 {
		return provider.Report{}, channel.BadRequest("repeated field: %s", smppgw.MessageIDParam)
	}
	mid := query.Get(smppgw.MessageIDParam)
	form, err := smppgw.Form(string(body), dlrFields...)
	if err != nil {
		return provider.Report{}, err
	}
	if err := channel.Require(form, "id", "message_status"); err != nil {
		return provider.Report{}, err
	}
	jid := form.Get("id")
	if !channel.ValidID(jid, MaxID) {
		return provider.Report{}, channel.BadRequest("bad id")
	}
	id := mid
	if id == "" {
		id = jid
	} else if !smppgw.ValidMessageID(mid) {
		return provider.Report{}, channel.BadRequest("bad mid")
	}
	status := form.Get("message_status")
	state, ok := receiptStates[status]
	switch {
	case ok:
	case status == "ESME_ROK":
		state = msg.Sent
	case esmeStatus.MatchString(status):
		state = msg.Failed
	default:
		return provider.Report{}, channel.BadRequest("unknown message_status")
	}
	code := form.Get("err")
	if code != "" && !errCode.MatchString(code) {
		return provider.Report{}, channel.BadRequest("bad err")
	}
	if strings.Trim(code, "0") == "" {
		code = ""
		if state == msg.Failed || state == msg.Undelivered {
			code = status
		}
	}
	return provider.Report{
		Status: msg.Status{ID: id, Provider: Provider, ProviderID: jid, State: state, Code: code, At: now},
	}, nil
}
