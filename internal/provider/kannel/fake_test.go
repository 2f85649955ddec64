package kannel

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Credentials of the fake Kannel's sendsms-user.
const (
	fakeUser     = "passerelle"
	fakePassword = "s3cret-pass"
)

// fakeSent is one message the fake Kannel accepted.
type fakeSent struct {
	To, From, Text, Coding, SMSC string
	DLRMask, DLRURL              string
}

// fakeKannel stands in for smsbox's sendsms on 127.0.0.1: GET
// /cgi-bin/sendsms, checking what smsbox checks (the sendsms-user, the
// receiver's characters, the charset) and answering as answer says for the
// n-th well-formed request (nil, or a status 0: accept it with "0: Accepted
// for delivery").
type fakeKannel struct {
	srv    *httptest.Server
	answer func(n int) (status int, body string)

	mu    sync.Mutex
	tries int
	sent  []fakeSent
}

func newFakeKannel(tb testing.TB, answer func(n int) (int, string)) *fakeKannel {
	tb.Helper()
	f := &fakeKannel{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// sendURL is the fake's sendsms.
func (f *fakeKannel) sendURL() string { return f.srv.URL + "/cgi-bin/sendsms" }

// sendsmsChars are smsbox's default sendsms-chars.
const sendsmsChars = "0123456789 +-"

func (f *fakeKannel) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	if r.URL.Path != "/cgi-bin/sendsms" || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		w.WriteHeader(400)
		return
	}
	switch {
	case q.Get("username") != fakeUser || q.Get("password") != fakePassword:
		w.WriteHeader(403)
		fmt.Fprint(w, "Authorization failed for sendsms")
		return
	case q.Get("to") == "":
		w.WriteHeader(400)
		fmt.Fprint(w, "Missing receiver number, rejected")
		return
	case strings.Trim(q.Get("to"), sendsmsChars) != "":
		w.WriteHeader(400)
		fmt.Fprint(w, "Number(s) has/have been denied by white- and/or black-lists.")
		return
	case q.Get("charset") != "UTF-8" || !utf8.ValidString(q.Get("text")) || (q.Get("coding") != "" && q.Get("coding") != "2"):
		w.WriteHeader(400)
		fmt.Fprint(w, "Charset or body misformed, rejected")
		return
	}
	f.mu.Lock()
	f.tries++
	n := f.tries
	f.mu.Unlock()
	if f.answer != nil {
		if status, body := f.answer(n); status != 0 {
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
	}
	s := fakeSent{To: q.Get("to"), From: q.Get("from"), Text: q.Get("text"), Coding: q.Get("coding"), SMSC: q.Get("smsc"),
		DLRMask: q.Get("dlr-mask"), DLRURL: q.Get("dlr-url")}
	f.mu.Lock()
	f.sent = append(f.sent, s)
	f.mu.Unlock()
	w.WriteHeader(202)
	fmt.Fprint(w, "0: Accepted for delivery")
}

// received returns the messages accepted so far.
func (f *fakeKannel) received() []fakeSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeSent(nil), f.sent...)
}

// Answers of the fake Kannel.
var (
	answerQueued      = func(int) (int, string) { return 202, "3: Queued for later delivery" }
	answerImmediate   = func(int) (int, string) { return 202, "Sent." }
	answerTemporal    = func(int) (int, string) { return 503, "Temporal failure, try again later." }
	answerFailed      = func(int) (int, string) { return 500, "Sending failed." }
	answerNotRoutable = func(int) (int, string) { return 403, "Not routable. Do not try again." }
	answerBadField    = func(int) (int, string) { return 400, "DLR-URL field misformed, rejected" }
	answerNotKannel   = func(int) (int, string) { return 200, "<html>proxy</html>" }
)

// attempts returns how many well-formed requests the fake answered.
func (f *fakeKannel) attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}
