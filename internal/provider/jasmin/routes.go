package jasmin

import (
	"net/http"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// Routes' paths.
const (
	MOPath  = "/sms/jasmin"
	DLRPath = "/sms/jasmin/dlr"
)

// Ack is the body Jasmin waits for: anything else, or another status than
// 200, makes it post the message or receipt again later.
const Ack = "ACK/Jasmin"

// MORoute takes inbound messages (without its token check). Jasmin takes
// no inline reply: the hop's commit queues the reply in the outbox, and
// the post is acknowledged (200 "ACK/Jasmin") only once that commit is
// stored. When the store fails it answers 503, so that Jasmin posts again;
// a post of a message already stored (same id) is deduplicated and queues
// nothing twice.
func MORoute() provider.Route {
	return provider.Route{Methods: []string{http.MethodPost}, Path: MOPath, Conversation: &provider.Conversation{
		Parse:  func(r provider.Request) (msg.Inbound, error) { return ParseMO(r.Body, r.Now) },
		Answer: provider.StoredAnswer(Ack),
	}}
}

// DLRRoute records delivery receipts (without its token check),
// acknowledged "ACK/Jasmin" once recorded and 503 when not (Jasmin posts
// again).
func DLRRoute() provider.Route {
	return provider.Route{Methods: []string{http.MethodPost}, Path: DLRPath, Delivery: &provider.Delivery{
		Parse: func(r provider.Request) (provider.Report, error) {
			return ParseDLR(r.Body, r.Query, r.Now)
		},
		Answer: func(err error) provider.Response {
			if err != nil {
				return provider.Response{Status: http.StatusServiceUnavailable, Body: "not recorded, try again"}
			}
			return provider.Response{Body: Ack}
		},
	}}
}
