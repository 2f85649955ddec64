package kannel

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/sender/sendertest"
)

const testToken = "kannel-token-0123456789"

func testCallback(t *testing.T) smppgw.Callback {
	t.Helper()
	c, err := smppgw.NewCallback("https://gw.example.org", DLRPath, testToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newTestSender(t *testing.T, f *fakeKannel, mod func(*SendConfig)) *Sender {
	t.Helper()
	cfg := SendConfig{URL: f.sendURL(), Username: fakeUser, Password: fakePassword, Callback: testCallback(t)}
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

func TestNewSenderValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  SendConfig
		ok   bool
	}{
		{"complete", SendConfig{URL: "http://kannel:13013/cgi-bin/sendsms", Username: "u", Password: "p"}, true},
		{"url with a query", SendConfig{URL: "http://kannel:13013/cgi-bin/sendsms?account=x", Username: "u", Password: "p"}, true},
		{"no url", SendConfig{Username: "u", Password: "p"}, false},
		{"relative url", SendConfig{URL: "kannel/cgi-bin/sendsms", Username: "u", Password: "p"}, false},
		{"no username", SendConfig{URL: "http://kannel:13013/cgi-bin/sendsms", Password: "p"}, false},
		{"no password", SendConfig{URL: "http://kannel:13013/cgi-bin/sendsms", Username: "u"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewSender(c.cfg); c.ok != (err == nil) {
				t.Fatalf("NewSender err = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

// TestSendWrites: what reaches Kannel for each message and configuration:
// the text in UTF-8, coding=2 when it does not fit the GSM alphabet,
// numbers in the route's format, a dlr-url carrying our message id and
// Kannel's %d.
func TestSendWrites(t *testing.T) {
	t.Parallel()
	const dlr = "https://gw.example.org/sms/kannel/dlr?token=" + testToken + "&mid="
	gsm := msg.Outbound{ID: "0a1b2c", To: sendertest.To, Text: "Café à Douala: 5 € {ok}"}
	cases := []struct {
		name string
		m    msg.Outbound
		mod  func(*SendConfig)
		want fakeSent
	}{
		{"gsm text", gsm, nil, fakeSent{To: "+237670000001", Text: gsm.Text, DLRMask: "27", DLRURL: dlr + "0a1b2c&type=%d"}},
		{"ucs-2 text", msg.Outbound{ID: "u1", To: sendertest.To, Text: "Ça coûte l’inscription ?"}, nil,
			fakeSent{To: "+237670000001", Text: "Ça coûte l’inscription ?", Coding: "2", DLRMask: "27", DLRURL: dlr + "u1&type=%d"}},
		{"digits, through an smsc", gsm, func(c *SendConfig) { c.Format, c.SMSC = provider.Digits, "mtn_cm" },
			fakeSent{To: "237670000001", Text: gsm.Text, SMSC: "mtn_cm", DLRMask: "27", DLRURL: dlr + "0a1b2c&type=%d"}},
		{"00 with a number as sender", gsm, func(c *SendConfig) { c.Format, c.From = provider.Intl00, "+237222000000" },
			fakeSent{To: "00237670000001", From: "00237222000000", Text: gsm.Text, DLRMask: "27", DLRURL: dlr + "0a1b2c&type=%d"}},
		{"short code kept as written", gsm, func(c *SendConfig) { c.From = "8123" },
			fakeSent{To: "+237670000001", From: "8123", Text: gsm.Text, DLRMask: "27", DLRURL: dlr + "0a1b2c&type=%d"}},
		{"no callback, no report", gsm, func(c *SendConfig) { c.Callback = smppgw.Callback{} },
			fakeSent{To: "+237670000001", Text: gsm.Text}},
		{"an id that cannot go in a URL asks no report", msg.Outbound{ID: "a%d", To: sendertest.To, Text: "x"}, nil,
			fakeSent{To: "+237670000001", Text: "x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeKannel(t, nil)
			res, err := newTestSender(t, f, c.mod).Send(context.Background(), c.m)
			got := f.received()
			if err != nil || len(got) != 1 || res.ProviderID != "" {
				t.Fatalf("Send = %+v, %v; %d received", res, err, len(got))
			}
			if got[0] != c.want {
				t.Fatalf("received %+v\nwant     %+v", got[0], c.want)
			}
		})
	}
}

// TestSendKeepsTheURLQuery: a query in PASSERELLE_KANNEL_SEND_URL (an
// account, say) is sent with every message.
func TestSendKeepsTheURLQuery(t *testing.T) {
	t.Parallel()
	var account string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		account = r.URL.Query().Get("account")
		w.WriteHeader(202)
		_, _ = w.Write([]byte("0: Accepted for delivery"))
	}))
	t.Cleanup(srv.Close)
	s, err := NewSender(SendConfig{URL: srv.URL + "/cgi-bin/sendsms?account=passerelle", Username: fakeUser, Password: fakePassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(context.Background(), sendertest.Msg); err != nil || account != "passerelle" {
		t.Fatalf("Send: %v; account %q", err, account)
	}
}

func TestSendAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		answer  func(int) (int, string)
		mod     func(*SendConfig)
		to      msg.Address   // "": sendertest.To
		wantErr *sender.Error // nil: accepted; Provider and Err are not compared
	}{
		{"accepted", nil, nil, "", nil},
		{"queued for later", answerQueued, nil, "", nil},
		{"immediate reply", answerImmediate, nil, "", nil},
		{"bad password", nil, func(c *SendConfig) { c.Password = "wrong" }, "", &sender.Error{Status: 403, Code: CodeAuth}},
		{"not routable", answerNotRoutable, nil, "", &sender.Error{Status: 403, Code: CodeNotRoutable}},
		{"denied number", nil, nil, "+2376700000x1", &sender.Error{Status: 400, Code: CodeDenied, InvalidNumber: true}},
		{"bad field", answerBadField, nil, "", &sender.Error{Status: 400}},
		{"temporal failure", answerTemporal, nil, "", &sender.Error{Status: 503, Retryable: true}},
		{"sending failed", answerFailed, nil, "", &sender.Error{Status: 500, Retryable: true}},
		{"too many requests", func(int) (int, string) { return 429, "slow down" }, nil, "", &sender.Error{Status: 429, Retryable: true}},
		{"not kannel", answerNotKannel, nil, "", &sender.Error{Status: 200}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeKannel(t, c.answer)
			m := sendertest.Msg
			if c.to != "" {
				m.To = c.to
			}
			_, err := newTestSender(t, f, c.mod).Send(context.Background(), m)
			if c.wantErr == nil {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			var e *sender.Error
			if !errors.As(err, &e) {
				t.Fatalf("Send err = %v, want a *sender.Error", err)
			}
			got := *e
			got.Provider, got.Err = "", nil
			if got != *c.wantErr || e.Provider != Provider {
				t.Fatalf("error %+v, want %+v", *e, *c.wantErr)
			}
			for _, secret := range []string{fakePassword, "670000001", "référence"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q quotes %q", err, secret)
				}
			}
		})
	}
}

// TestSendRetryAfter: a Retry-After header (from a proxy in front of
// Kannel) is carried to the outbox.
func TestSendRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []sendertest.RetryAfterCase{
		sendertest.Wait("seconds on 503", 503, "Temporal failure, try again later.", "5", 5*time.Second, 5*time.Second),
		sendertest.Wait("seconds on 429", 429, "slow down", "120", 2*time.Minute, 2*time.Minute),
		sendertest.Wait("capped", 503, "Temporal failure, try again later.", "7200", sender.MaxRetryAfter, sender.MaxRetryAfter),
		sendertest.Wait("none", 500, "Sending failed.", "", 0, 0),
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range c.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(c.Status)
				_, _ = w.Write([]byte(c.Body))
			}))
			t.Cleanup(srv.Close)
			s, err := NewSender(SendConfig{URL: srv.URL + "/cgi-bin/sendsms", Username: fakeUser, Password: fakePassword})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Send(context.Background(), sendertest.Msg)
			sendertest.CheckRetryAfter(t, err, c)
		})
	}
}

// TestSendNetworkErrorIsRetryable: no answer is retried, and the error
// does not quote the request URL, which carries the password and the text.
func TestSendNetworkErrorIsRetryable(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	s, err := NewSender(SendConfig{URL: closed.URL + "/cgi-bin/sendsms", Username: fakeUser, Password: fakePassword})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), sendertest.Msg)
	if !sender.IsRetryable(err) || strings.Contains(err.Error(), fakePassword) || strings.Contains(err.Error(), "Bonjour") {
		t.Fatalf("Send err = %v, want retryable, quoting no secret", err)
	}
}
