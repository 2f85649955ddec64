package fakesms

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// AfricasTalking is a fake of Africa's Talking's SMS API: POST
// /version1/messaging with the apiKey header and the form fields username,
// to, message and from, answering its JSON {"SMSMessageData": {"Message",
// "Recipients": [{"statusCode", "number", "status", "cost",
// "messageId"}]}} with one recipient, whose messageId is fresh ("ATXid_"
// and 32 hex digits) when accepted and "None" otherwise. Point
// africastalking.SendConfig.BaseURL at URL().
type AfricasTalking struct {
	core
}

// NewAfricasTalking starts a fake Africa's Talking API answering OK (201,
// statusCode 101) to everything; it is closed when tb ends.
func NewAfricasTalking(tb testing.TB) *AfricasTalking {
	tb.Helper()
	f := &AfricasTalking{}
	f.start(tb, "africastalking", f.Handler())
	return f
}

// URL is the fake's base URL (http://127.0.0.1:port), to use in place of
// https://api.africastalking.com.
func (f *AfricasTalking) URL() string { return f.srv.URL }

// Handler returns the fake's HTTP handler, to serve on an *http.Server of
// one's own; register Close with its RegisterOnShutdown so that pending
// delays do not hold its Shutdown.
func (f *AfricasTalking) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /version1/messaging", f.serveMessaging)
	return mux
}

// SetHandler scripts the answers: h gets the 1-based number of the request
// (counting every request to /version1/messaging) and the message, and
// returns the answer (Response.Code is the recipient's statusCode). Nil
// answers OK to everything. Requests without apiKey, username, to or
// message are refused as Africa's Talking does, without calling h.
func (f *AfricasTalking) SetHandler(h func(n int, m Message) Response) { f.setHandler(h) }

// Received returns the messages the fake accepted (HTTP 2xx and recipient
// statusCode 100, 101 or 102), in order.
func (f *AfricasTalking) Received() []Message { return f.received() }

// Count returns how many messages the fake accepted.
func (f *AfricasTalking) Count() int { return f.count() }

// Attempts returns how many requests reached /version1/messaging, whatever
// their answer.
func (f *AfricasTalking) Attempts() int { return f.attemptCount() }

// WaitFor waits until the fake accepted at least n messages and returns all
// it accepted; after timeout it fails tb (call it from the test's
// goroutine).
func (f *AfricasTalking) WaitFor(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	return f.waitFor(tb, n, timeout)
}

// Close ends pending delays (their connections are cut) and stops the
// server. NewAfricasTalking's tb calls it; calling it again does nothing.
func (f *AfricasTalking) Close() { f.close() }

// Africa's Talking recipient statuses by statusCode.
var atStatuses = map[int]string{
	100: "Processed",
	101: "Success",
	102: "Queued",
	401: "RiskHold",
	402: "InvalidSenderId",
	403: "InvalidPhoneNumber",
	404: "UnsupportedNumberType",
	405: "InsufficientBalance",
	406: "UserInBlacklist",
	407: "CouldNotRoute",
	409: "DoNotDisturbRejection",
	500: "InternalServerError",
	501: "GatewayError",
	502: "RejectedByGateway",
}

// atCost is what the fake charges for one accepted message.
const atCost = "XAF 20.0000"

// serveMessaging answers POST /version1/messaging.
func (f *AfricasTalking) serveMessaging(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequest)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Unable to read the request", http.StatusBadRequest)
		return
	}
	n, h := f.begin()
	m := Message{
		ID:   fmt.Sprintf("ATXid_%032x", n),
		To:   r.PostForm.Get("to"),
		From: r.PostForm.Get("from"),
		Body: r.PostForm.Get("message"),
		At:   time.Now(),
	}
	switch {
	case r.Header.Get("apiKey") == "":
		http.Error(w, "The supplied authentication is invalid", http.StatusUnauthorized)
		return
	case r.PostForm.Get("username") == "" || m.To == "" || m.Body == "":
		http.Error(w, "Request is missing required form field", http.StatusBadRequest)
		return
	}
	res := h(n, m)
	if !f.sleep(r, res.Delay) {
		return
	}
	status, code := res.Status, res.Code
	if status == 0 {
		status = http.StatusCreated
	}
	if code == 0 && is2xx(status) {
		code = 101
	}
	setRetryAfter(w, res)
	if code < 100 || code > 599 {
		// A request-level failure: a plain-text answer, no recipients.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(http.StatusText(status)))
		return
	}
	rec := atRecipient{StatusCode: code, Number: m.To, Status: atStatuses[code], Cost: "0", MessageID: "None"}
	if rec.Status == "" {
		rec.Status = "Failed"
	}
	sent := 0
	if is2xx(status) && code >= 100 && code <= 102 {
		rec.Cost, rec.MessageID, sent = atCost, m.ID, 1
		f.accept(m)
	}
	total := "0"
	if sent == 1 {
		total = atCost
	}
	var a atAnswer
	a.SMSMessageData.Message = fmt.Sprintf("Sent to %d/1 Total Cost: %s", sent, total)
	a.SMSMessageData.Recipients = []atRecipient{rec}
	writeJSON(w, status, a)
}

// atAnswer is Africa's Talking's JSON answer to POST /version1/messaging.
type atAnswer struct {
	SMSMessageData struct {
		Message    string        `json:"Message"`
		Recipients []atRecipient `json:"Recipients"`
	} `json:"SMSMessageData"`
}

// atRecipient is one recipient of an atAnswer.
type atRecipient struct {
	StatusCode int    `json:"statusCode"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	Cost       string `json:"cost"`
	MessageID  string `json:"messageId"`
}
