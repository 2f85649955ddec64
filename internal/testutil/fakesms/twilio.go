package fakesms

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// Twilio is a fake of Twilio's Programmable Messaging REST API: POST
// /2010-04-01/Accounts/{sid}/Messages.json, with basic authentication,
// answering 201 and the message's JSON with a fresh SID ("SM" and 32 hex
// digits), or Twilio's JSON error body {"code", "message", "more_info",
// "status"}. Point twilio.SendConfig.BaseURL at URL().
type Twilio struct {
	core
}

// NewTwilio starts a fake Twilio API answering OK to everything; it is
// closed when tb ends.
func NewTwilio(tb testing.TB) *Twilio {
	tb.Helper()
	f := &Twilio{}
	f.start(tb, "twilio", f.Handler())
	return f
}

// URL is the fake's base URL (http://127.0.0.1:port), to use in place of
// https://api.twilio.com.
func (f *Twilio) URL() string { return f.srv.URL }

// Handler returns the fake's HTTP handler, to serve on an *http.Server of
// one's own; register Close with its RegisterOnShutdown so that pending
// delays do not hold its Shutdown.
func (f *Twilio) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", f.serveMessages)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeTwilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	})
	return mux
}

// SetHandler scripts the answers: h gets the 1-based number of the request
// (counting every request to the Messages endpoint) and the message, and
// returns the answer. Nil answers OK to everything. Requests without
// credentials or without To, Body, or From and MessagingServiceSid are
// refused as Twilio does, without calling h.
func (f *Twilio) SetHandler(h func(n int, m Message) Response) { f.setHandler(h) }

// Received returns the messages the fake accepted (answered 2xx with a
// SID), in order.
func (f *Twilio) Received() []Message { return f.received() }

// Count returns how many messages the fake accepted.
func (f *Twilio) Count() int { return f.count() }

// Attempts returns how many requests reached the Messages endpoint,
// whatever their answer.
func (f *Twilio) Attempts() int { return f.attemptCount() }

// WaitFor waits until the fake accepted at least n messages and returns all
// it accepted; after timeout it fails tb (call it from the test's
// goroutine).
func (f *Twilio) WaitFor(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	return f.waitFor(tb, n, timeout)
}

// Close ends pending delays (their connections are cut) and stops the
// server. NewTwilio's tb calls it; calling it again does nothing.
func (f *Twilio) Close() { f.close() }

// twilioMessages are the texts of the error codes Twilio answers most.
var twilioMessages = map[int]string{
	20003: "Authenticate",
	20404: "The requested resource was not found",
	20429: "Too Many Requests",
	20500: "Internal Server Error",
	20503: "Service Unavailable",
	21211: "The 'To' number is not a valid phone number.",
	21602: "Message body is required.",
	21603: "The 'From' phone number is required.",
	21604: "A 'To' phone number is required.",
	21610: "Attempt to send to unsubscribed recipient",
	21614: "'To' number is not a valid mobile number",
}

// serveMessages answers POST /2010-04-01/Accounts/{sid}/Messages.json.
func (f *Twilio) serveMessages(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequest)
	if err := r.ParseForm(); err != nil {
		writeTwilioError(w, http.StatusBadRequest, 20001, "Unable to read the request: "+err.Error())
		return
	}
	n, h := f.begin()
	sid := r.PathValue("sid")
	m := Message{
		ID:                  fmt.Sprintf("SM%032x", n),
		To:                  r.PostForm.Get("To"),
		From:                r.PostForm.Get("From"),
		Body:                r.PostForm.Get("Body"),
		MessagingServiceSID: r.PostForm.Get("MessagingServiceSid"),
		StatusCallback:      r.PostForm.Get("StatusCallback"),
		At:                  time.Now(),
	}
	if user, _, ok := r.BasicAuth(); !ok || user == "" {
		writeTwilioError(w, http.StatusUnauthorized, 20003, "")
		return
	}
	switch {
	case m.To == "":
		writeTwilioError(w, http.StatusBadRequest, 21604, "")
		return
	case m.Body == "":
		writeTwilioError(w, http.StatusBadRequest, 21602, "")
		return
	case m.From == "" && m.MessagingServiceSID == "":
		writeTwilioError(w, http.StatusBadRequest, 21603, "")
		return
	}
	res := h(n, m)
	if !f.sleep(r, res.Delay) {
		return
	}
	status := res.Status
	if status == 0 {
		status = http.StatusCreated
		if res.Code != 0 {
			status = http.StatusBadRequest
		}
	}
	setRetryAfter(w, res)
	if !is2xx(status) || res.Code != 0 {
		code := res.Code
		if code == 0 {
			code = 20000 + status
		}
		writeTwilioError(w, status, code, "")
		return
	}
	f.accept(m)
	writeJSON(w, status, twilioMessage(sid, m))
}

// twilioMessage is Twilio's JSON answer to a created message.
func twilioMessage(account string, m Message) map[string]any {
	now := m.At.UTC().Format(time.RFC1123Z)
	var from, service any
	if m.From != "" {
		from = m.From
	}
	if m.MessagingServiceSID != "" {
		service = m.MessagingServiceSID
	}
	return map[string]any{
		"account_sid":           account,
		"api_version":           "2010-04-01",
		"body":                  m.Body,
		"date_created":          now,
		"date_sent":             nil,
		"date_updated":          now,
		"direction":             "outbound-api",
		"error_code":            nil,
		"error_message":         nil,
		"from":                  from,
		"messaging_service_sid": service,
		"num_media":             "0",
		"num_segments":          "1",
		"price":                 nil,
		"price_unit":            "USD",
		"sid":                   m.ID,
		"status":                "queued",
		"subresource_uris": map[string]string{
			"media": "/2010-04-01/Accounts/" + account + "/Messages/" + m.ID + "/Media.json",
		},
		"to":  m.To,
		"uri": "/2010-04-01/Accounts/" + account + "/Messages/" + m.ID + ".json",
	}
}

// writeTwilioError writes Twilio's JSON error body; an empty message takes
// the code's usual text.
func writeTwilioError(w http.ResponseWriter, status, code int, message string) {
	if message == "" {
		message = twilioMessages[code]
	}
	if message == "" {
		message = "Error " + strconv.Itoa(code)
	}
	writeJSON(w, status, map[string]any{
		"code":      code,
		"message":   message,
		"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		"status":    status,
	})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf("error encoding answer: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
