package providertest

import (
	"net/url"
	"strings"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// USSDPath is where USSDRoute is mounted.
const USSDPath = "/ussd/test"

// USSDRoute is a USSD route of no provider, for the tests of what lies
// behind every route (the web server, the conversation service): a form
// POST of session, phone and text (every answer of the session joined by
// '*'), answered "CON …"/"END …". Its messages come from the provider
// "test".
func USSDRoute() provider.Route {
	return provider.Route{Methods: []string{"POST"}, Path: USSDPath, Conversation: &provider.Conversation{
		Parse: func(r provider.Request) (msg.Inbound, error) {
			form, err := url.ParseQuery(string(r.Body))
			if err != nil {
				return msg.Inbound{}, channel.BadRequest("malformed form body")
			}
			if err := channel.Require(form, "session", "phone", "text"); err != nil {
				return msg.Inbound{}, err
			}
			from, err := msg.ParseAddress(form.Get("phone"))
			if err != nil {
				return msg.Inbound{}, channel.BadRequest("phone is not a phone number")
			}
			return msg.Inbound{Channel: msg.USSD, Provider: "test", From: from, To: "*384*123#",
				Session: form.Get("session"), Text: form.Get("text"), Cumulative: true, Received: r.Now}, nil
		},
		Answer: func(_ msg.Inbound, reply msg.Reply, _ error) provider.Response {
			if reply.End {
				return provider.Response{Body: "END " + strings.Join(reply.Messages, "\n")}
			}
			return provider.Response{Body: "CON " + strings.Join(reply.Messages, "\n")}
		},
	}}
}

// USSDForm is a request body of USSDRoute.
func USSDForm(session, phone, text string) url.Values {
	return url.Values{"session": {session}, "phone": {phone}, "text": {text}}
}
