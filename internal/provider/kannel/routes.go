package kannel

import (
	"net/http"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// Routes' paths.
const (
	MOPath  = "/sms/kannel"
	DLRPath = "/sms/kannel/dlr"
)

// MORoute takes inbound messages from the sms-service get-url (GET, or
// POST with the same query) without its token check. Kannel sends the
// answer's body back as an SMS: the answer is an empty 200 once the hop is
// stored (the reply goes through the outbox), and 503 when the store fails,
// so that smsbox retries (http-request-retry); a retry of a message already
// stored (same id) changes nothing.
func MORoute() provider.Route {
	return provider.Route{Methods: []string{http.MethodGet, http.MethodPost}, Path: MOPath, Conversation: &provider.Conversation{
		Parse:  func(r provider.Request) (msg.Inbound, error) { return ParseMO(r.RawQuery, r.Now) },
		Answer: provider.StoredAnswer(""),
	}}
}

// DLRRoute records delivery reports (without its token check). smsbox
// takes only 200 or 202 as done: the answer is an empty 200 once recorded,
// 503 when not (smsbox retries).
func DLRRoute() provider.Route {
	return provider.Route{Methods: []string{http.MethodGet}, Path: DLRPath, Delivery: &provider.Delivery{
		Parse: func(r provider.Request) (provider.Report, error) { return ParseDLR(r.RawQuery, r.Now) },
		Answer: func(err error) provider.Response {
			if err != nil {
				return provider.Response{Status: http.StatusServiceUnavailable, Body: "not recorded, try again"}
			}
			return provider.Response{}
		},
	}}
}
