package twilio

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// twilioSend is one request the fake Twilio API received.
type twilioSend struct {
	Account, User, Password                             string
	To, From, MessagingServiceSid, Body, StatusCallback string
}

// fakeTwilio is an httptest stand-in for POST
// /2010-04-01/Accounts/{sid}/Messages.json that answers a fixed status and
// body and records each request.
type fakeTwilio struct {
	srv *httptest.Server

	mu    sync.Mutex
	sends []twilioSend
}

// newFakeTwilio starts a fake Twilio API answering status and body.
func newFakeTwilio(tb testing.TB, status int, body string) *fakeTwilio {
	tb.Helper()
	return newFakeTwilioHeader(tb, status, body, nil)
}

// newFakeTwilioHeader starts a fake Twilio API answering status, header and
// body.
func newFakeTwilioHeader(tb testing.TB, status int, body string, header http.Header) *fakeTwilio {
	tb.Helper()
	f := &fakeTwilio{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s := twilioSend{
			Account:             r.PathValue("sid"),
			To:                  r.PostForm.Get("To"),
			From:                r.PostForm.Get("From"),
			MessagingServiceSid: r.PostForm.Get("MessagingServiceSid"),
			Body:                r.PostForm.Get("Body"),
			StatusCallback:      r.PostForm.Get("StatusCallback"),
		}
		s.User, s.Password, _ = r.BasicAuth()
		f.mu.Lock()
		f.sends = append(f.sends, s)
		f.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	return f
}

// received returns the requests received so far.
func (f *fakeTwilio) received() []twilioSend {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]twilioSend(nil), f.sends...)
}

// mustTwilio returns a Twilio sender pointed at baseURL.
func mustTwilio(tb testing.TB, cfg SendConfig, baseURL string) *Sender {
	tb.Helper()
	cfg.BaseURL = baseURL
	s, err := NewSender(cfg)
	if err != nil {
		tb.Fatalf("NewSender: %v", err)
	}
	return s
}
