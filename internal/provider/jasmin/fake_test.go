package jasmin

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"unicode/utf16"
)

// Credentials the fake Jasmin accepts.
const (
	fakeUser     = "passerelle"
	fakePassword = "s3cret-pass"
)

// fakeSent is one message the fake Jasmin accepted, its text decoded as
// Jasmin would.
type fakeSent struct {
	ID, To, From, Text, Coding string
	DLR, DLRURL, DLRLevel      string
}

// fakeJasmin stands in for Jasmin's HTTP API on 127.0.0.1: POST /send,
// checking what Jasmin checks (known fields only, mandatory ones, content
// or hex-content, credentials) and answering as answer says for the n-th
// well-formed request (nil, or a status 0: accept it).
type fakeJasmin struct {
	srv    *httptest.Server
	answer func(n int) (status int, body string)

	mu    sync.Mutex
	tries int
	sent  []fakeSent
}

// jasminFields are the only fields Jasmin's /send accepts.
var jasminFields = map[string]bool{
	"to": true, "from": true, "coding": true, "username": true, "password": true, "priority": true,
	"sdt": true, "validity-period": true, "dlr": true, "dlr-url": true, "dlr-level": true,
	"dlr-method": true, "tags": true, "content": true, "hex-content": true, "custom_tlvs": true,
}

var jasminTo = regexp.MustCompile(`^\+?\d+$`)

func newFakeJasmin(tb testing.TB, answer func(n int) (int, string)) *fakeJasmin {
	tb.Helper()
	f := &fakeJasmin{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// sendURL is the fake's /send.
func (f *fakeJasmin) sendURL() string { return f.srv.URL + "/send" }

func (f *fakeJasmin) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	if r.URL.Path != "/send" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(400)
		fmt.Fprint(w, `Error "malformed"`)
		return
	}
	form := r.PostForm
	if status, reason := check(form); status != 0 {
		w.WriteHeader(status)
		fmt.Fprintf(w, `Error "%s"`, reason)
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
	text, err := decodeSent(form)
	if err != nil {
		w.WriteHeader(400)
		fmt.Fprintf(w, `Error "%v"`, err)
		return
	}
	s := fakeSent{ID: fmt.Sprintf("0e6c1c5a-0000-4000-8000-%012d", n), To: form.Get("to"), From: form.Get("from"), Text: text,
		Coding: form.Get("coding"), DLR: form.Get("dlr"), DLRURL: form.Get("dlr-url"), DLRLevel: form.Get("dlr-level")}
	f.mu.Lock()
	f.sent = append(f.sent, s)
	f.mu.Unlock()
	fmt.Fprintf(w, `Success "%s"`, s.ID)
}

// check refuses what Jasmin's /send refuses before routing.
func check(form url.Values) (int, string) {
	for k := range form {
		if !jasminFields[k] {
			return 400, "Argument [" + k + "] is unknown."
		}
	}
	for _, k := range []string{"to", "username", "password"} {
		if form.Get(k) == "" {
			return 400, "Mandatory argument [" + k + "] is not found."
		}
	}
	if !jasminTo.MatchString(form.Get("to")) {
		return 400, "Argument [to] has an invalid value: [" + form.Get("to") + "]."
	}
	if _, c := form["content"]; c == (form.Get("hex-content") != "") {
		return 400, "content or hex-content not present."
	}
	if form.Get("username") != fakeUser || form.Get("password") != fakePassword {
		return 403, "Authentication failure for username:" + form.Get("username")
	}
	return 0, ""
}

// decodeSent is the text of a message as the handset shows it.
func decodeSent(form url.Values) (string, error) {
	if _, ok := form["content"]; ok {
		if form.Get("coding") != "" && form.Get("coding") != "0" {
			return "", fmt.Errorf("content with coding %s", form.Get("coding"))
		}
		return form.Get("content"), nil
	}
	if form.Get("coding") != "8" {
		return "", fmt.Errorf("hex-content without coding 8")
	}
	b, err := hex.DecodeString(form.Get("hex-content"))
	if err != nil || len(b)%2 != 0 {
		return "", fmt.Errorf("bad hex-content")
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u)), nil
}

// received returns the messages accepted so far.
func (f *fakeJasmin) received() []fakeSent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeSent(nil), f.sent...)
}

// Answers of the fake Jasmin.
var (
	answerAuth      = func(int) (int, string) { return 403, `Error "Authentication failure for username:other"` }
	answerThrottled = func(int) (int, string) { return 403, `Error "User throughput exceeded"` }
	answerDown      = func(int) (int, string) {
		return 500, `Error "Cannot send submit_sm, check SMPPClientManagerPB log file for details"`
	}
	answerNoRoute   = func(int) (int, string) { return 412, `Error "No route found"` }
	answerNoBound   = func(int) (int, string) { return 412, `Error "Failover route has no bound connectors"` }
	answerNoBalance = func(int) (int, string) {
		return 403, `Error "Cannot charge submit_sm, check RouterPB log file for details"`
	}
	answerIntercept  = func(int) (int, string) { return 503, `Error "InterceptorPB not connected !"` }
	answerNotJasmin  = func(int) (int, string) { return 200, `<html>proxy</html>` }
	answerEmptyID    = func(int) (int, string) { return 200, `Success ""` }
	answerBadRequest = func(int) (int, string) { return 400, `Error "Argument [validity-period] has an invalid value: [x]."` }
)

// attempts returns how many well-formed requests the fake answered.
func (f *fakeJasmin) attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}
