// Package fakesms holds local stand-ins for the SMS providers' REST APIs,
// Twilio's and Africa's Talking's, for tests: httptest servers on the
// loopback interface that answer as the providers do, can be scripted to
// fail, delay or rate-limit, record every message they accepted and are
// safe for concurrent use. Nothing here reaches the internet.
//
//	tw := fakesms.NewTwilio(t)
//	tw.SetHandler(fakesms.Sequence(fakesms.Fail(503, 0), fakesms.OK()))
//	s, _ := twilio.NewSender(twilio.SendConfig{..., BaseURL: tw.URL()})
//	...
//	got := tw.WaitFor(t, 1, 5*time.Second)
package fakesms

import (
	"time"
)

// Message is one message a fake received.
type Message struct {
	// ID is the provider id the fake answered (Twilio SID, Africa's Talking
	// messageId). A handler sees the id the fake answers if it accepts.
	ID string
	// To, From and Body are the recipient, the sender and the text as sent.
	To, From, Body string
	// MessagingServiceSID is Twilio's MessagingServiceSid, sent instead of
	// From; always empty for Africa's Talking.
	MessagingServiceSID string
	// StatusCallback is the delivery report URL sent to Twilio; always empty
	// for Africa's Talking.
	StatusCallback string
	// At is when the request arrived.
	At time.Time
}

// Response is how a fake answers one request.
type Response struct {
	// Status is the HTTP status. 0: 201, or for Twilio 400 when Code is set.
	Status int
	// Code is the provider's code. Twilio: the error code of its JSON error
	// body (21610, 20429, …); 0 with a 2xx Status accepts the message, 0
	// with another Status answers 20000+Status. Africa's Talking: the
	// recipient's statusCode (101, 403, 406, 500, …; 0 means 101 Success);
	// with a non-2xx Status and a Code outside 100..599 (or 0) the fake
	// answers the status text as plain text, as the API does for
	// request-level failures.
	Code int
	// RetryAfter is the Retry-After header; empty sends none.
	RetryAfter string
	// Delay is how long the fake waits before answering. The wait ends
	// early when the client gives up (nothing is answered) or the fake is
	// closed (the connection is cut).
	Delay time.Duration
}

// OK accepts the message: 201 with a provider id.
func OK() Response { return Response{} }

// Fail answers the HTTP status and provider code (see Response.Code).
func Fail(status, code int) Response { return Response{Status: status, Code: code} }

// RateLimited answers 429 with Twilio's code 20429 and the Retry-After
// header retryAfter (delta-seconds or an HTTP-date; empty sends none).
func RateLimited(retryAfter string) Response {
	return Response{Status: 429, Code: 20429, RetryAfter: retryAfter}
}

// Sequence returns a handler answering rs[n-1] to the n-th request, and the
// last of rs to every later one; OK to all when rs is empty.
func Sequence(rs ...Response) func(n int, m Message) Response {
	rs = append([]Response(nil), rs...)
	return func(n int, _ Message) Response {
		switch {
		case len(rs) == 0:
			return OK()
		case n < 1:
			return rs[0]
		case n > len(rs):
			return rs[len(rs)-1]
		}
		return rs[n-1]
	}
}
