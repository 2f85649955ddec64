// Package provider is the contract between Passerelle and the SMS and USSD
// routes it is reached by (aggregators such as Africa's Talking, Hubtel or
// Twilio, and SMPP gateways such as Jasmin or Kannel). Each route lives in
// one package under internal/provider/ that knows its wire formats, its
// delivery reports, how it sends, its settings and the webhooks it serves;
// internal/provider/registry lists them. Nothing outside a provider's
// package and the registry names a provider: the web layer mounts the
// Routes it is given, the outbox sends through the Sender it is given.
//
// A provider's package imports no HTTP server: it takes a Request (copies
// of what was posted) and returns values (msg.Inbound, Report, Response).
package provider

import (
	"net/http"
	"net/url"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// Provider is one configured route: its webhooks and, if it sends SMS,
// its sender.
type Provider interface {
	// Name is the provider's name in messages, dedupe keys, delivery
	// records, metrics and PASSERELLE_SMS_PROVIDER ("africastalking").
	Name() string
	// Routes are the webhooks it serves (none when it only sends).
	Routes() []Route
	// Sender sends SMS through it, or is nil when it sends none (a USSD
	// route, or credentials not configured).
	Sender() sender.Sender
	// Notices are what start-up says about it: which routes are on, and
	// loud warnings for what is unsafe (a route without a token).
	Notices() []Notice
}

// Notice is one line start-up logs about a provider.
type Notice struct {
	Warn bool // logged as a warning; else as information
	Text string
}

// Request is one webhook request, copied out of the server's buffers: it
// may be kept after the handler returns.
type Request struct {
	Method string
	// Path is the path as called (no scheme, host or query).
	Path string
	// RawQuery is the query string as sent, Query the same decoded.
	RawQuery string
	Query    url.Values
	// Header holds the headers the route asked for (Route.Headers).
	Header http.Header
	Body   []byte
	// Now is when the request arrived.
	Now time.Time
}

// Response is what a route answers.
type Response struct {
	Status      int // 0: 200
	ContentType string
	Body        string
}

// Report is one delivery report, decoded.
type Report struct {
	// Status is filed under Status.ID: our message id when the report
	// carries one, else the provider's id, which the outbox recorded
	// beside ours when it sent the message.
	Status msg.Status
	// To is the recipient, or empty when the report carries no usable
	// number.
	To msg.Address
	// OptedOut tells that the recipient blocks our messages.
	OptedOut bool
}

// Route is one webhook. Exactly one of Conversation and Delivery is set.
type Route struct {
	// Methods are the HTTP methods it answers (POST, GET).
	Methods []string
	// Path is where it is mounted ("/ussd/hubtel").
	Path string
	// Headers are the request headers it reads (a signature); only those
	// are copied into Request.Header.
	Headers []string
	// Auth, when set, checks the request before anything is decoded: a
	// nil error lets it through, a *channel.Error (403) refuses it and
	// nothing is stored.
	Auth func(Request) error
	// Conversation is an inbound message or USSD hop, answered by the
	// conversation service.
	Conversation *Conversation
	// Delivery is a delivery report, recorded against the outbox's record
	// of the message.
	Delivery *Delivery
	// Refuse writes a refusal (a *channel.Error of Auth or a Parse) in
	// the provider's error form. Nil: the status and reason as plain text.
	Refuse func(status int, reason string) Response
}

// Conversation decodes an inbound message and writes the answer.
type Conversation struct {
	// Parse decodes the request. It returns a *channel.Error for a request
	// it refuses (400, 413), or a *Direct for a request that needs no hop
	// (a session-end notice). Strings in the Inbound must not alias the
	// request (they do not: Request holds copies).
	Parse func(Request) (msg.Inbound, error)
	// Answer writes the conversation's reply. err is the hop's error: the
	// reply then holds an apology, which inline routes (USSD, TwiML) still
	// show; routes whose reply goes through the outbox (in.ReplyOutOfBand)
	// answer so that the provider posts again (503), since nothing was
	// stored.
	Answer func(in msg.Inbound, reply msg.Reply, err error) Response
}

// Delivery decodes a delivery report and writes the acknowledgement.
type Delivery struct {
	// Parse decodes the report; a *channel.Error refuses it.
	Parse func(Request) (Report, error)
	// Answer acknowledges it: err is the store's error (nil: recorded).
	// Nil: 204 when recorded, 500 (the provider posts again) when not.
	Answer func(err error) Response
}

// Direct is the "error" a Conversation's Parse returns for a request that
// is answered as is, without a hop: a session-end notice, a keep-alive.
type Direct struct {
	Response Response
}

// Error says what a Direct is (it is not a failure).
func (d *Direct) Error() string { return "answered without a hop" }

// StoredAnswer is the Answer of a route whose replies go through the
// outbox: ack (200) once the hop is stored, 503 "not stored, try again"
// when it is not, so that the provider posts again.
func StoredAnswer(ack string) func(msg.Inbound, msg.Reply, error) Response {
	return func(_ msg.Inbound, _ msg.Reply, err error) Response {
		if err != nil {
			return Response{Status: http.StatusServiceUnavailable, Body: "not stored, try again"}
		}
		return Response{Body: ack}
	}
}
