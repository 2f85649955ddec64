package jasmin

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

const testToken = "jasmin-token-0123456789"

func testCallback(t *testing.T) smppgw.Callback {
	t.Helper()
	c, err := smppgw.NewCallback("https://gw.example.org", DLRPath, testToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newTestSender(t *testing.T, f *fakeJasmin, mod func(*SendConfig)) *Sender {
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
		{"complete", SendConfig{URL: "http://jasmin:1401/send", Username: "u", Password: "p"}, true},
		{"url with a query", SendConfig{URL: "http://jasmin:1401/send?x=1", Username: "u", Password: "p"}, true},
		{"no url", SendConfig{Username: "u", Password: "p"}, false},
		{"relative url", SendConfig{URL: "jasmin:1401/send", Username: "u", Password: "p"}, false},
		{"credentials in the url", SendConfig{URL: "http://u:p@jasmin:1401/send", Username: "u", Password: "p"}, false},
		{"no username", SendConfig{URL: "http://jasmin:1401/send", Password: "p"}, false},
		{"no password", SendConfig{URL: "http://jasmin:1401/send", Username: "u"}, false},
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

// TestSendWrites: what reaches Jasmin for each message and configuration:
// GSM text as content, other text as UCS-2 hex-content, numbers in the
// route's format, a dlr-url carrying our message id.
func TestSendWrites(t *testing.T) {
	t.Parallel()
	const dlr = "https://gw.example.org/sms/jasmin/dlr?token=" + testToken + "&mid="
	gsm := msg.Outbound{ID: "0a1b2c", To: sendertest.To, Text: "Café à Douala: 5 € {ok}"}
	cases := []struct {
		name string
		m    msg.Outbound
		mod  func(*SendConfig)
		want fakeSent
	}{
		{"gsm text", gsm, nil,
			fakeSent{To: "+237670000001", Text: gsm.Text, DLR: "yes", DLRURL: dlr + "0a1b2c", DLRLevel: "3"}},
		{"gsm accents stay gsm", sendertest.Msg, nil,
			fakeSent{To: "+237670000001", Text: sendertest.Msg.Text, DLR: "yes", DLRURL: dlr + "m-42", DLRLevel: "3"}},
		{"ucs-2 text", msg.Outbound{ID: "u1", To: sendertest.To, Text: "Ça coûte l’inscription ?"}, nil,
			fakeSent{To: "+237670000001", Text: "Ça coûte l’inscription ?", Coding: "8", DLR: "yes", DLRURL: dlr + "u1", DLRLevel: "3"}},
		{"emoji", msg.Outbound{ID: "e1", To: sendertest.To, Text: "Merci 🙂 « oui »"}, nil,
			fakeSent{To: "+237670000001", Text: "Merci 🙂 « oui »", Coding: "8", DLR: "yes", DLRURL: dlr + "e1", DLRLevel: "3"}},
		{"digits", gsm, func(c *SendConfig) { c.Format = provider.Digits },
			fakeSent{To: "237670000001", Text: gsm.Text, DLR: "yes", DLRURL: dlr + "0a1b2c", DLRLevel: "3"}},
		{"00 with a number as sender", gsm, func(c *SendConfig) { c.Format, c.From = provider.Intl00, "+237222000000" },
			fakeSent{To: "00237670000001", From: "00237222000000", Text: gsm.Text, DLR: "yes", DLRURL: dlr + "0a1b2c", DLRLevel: "3"}},
		{"sender id kept as written", gsm, func(c *SendConfig) { c.Format, c.From = provider.Digits, "PASSERELLE" },
			fakeSent{To: "237670000001", From: "PASSERELLE", Text: gsm.Text, DLR: "yes", DLRURL: dlr + "0a1b2c", DLRLevel: "3"}},
		{"no callback, no receipt", gsm, func(c *SendConfig) { c.Callback = smppgw.Callback{} },
			fakeSent{To: "+237670000001", Text: gsm.Text, DLR: "no"}},
		{"an id that cannot go in a URL asks no receipt", msg.Outbound{ID: "a/b c", To: sendertest.To, Text: "x"}, nil,
			fakeSent{To: "+237670000001", Text: "x", DLR: "no"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeJasmin(t, nil)
			res, err := newTestSender(t, f, c.mod).Send(context.Background(), c.m)
			got := f.received()
			if err != nil || len(got) != 1 {
				t.Fatalf("Send = %+v, %v; %d received", res, err, len(got))
			}
			c.want.ID = got[0].ID
			if got[0] != c.want || res.ProviderID != got[0].ID {
				t.Fatalf("received %+v (result %q)\nwant     %+v", got[0], res.ProviderID, c.want)
			}
		})
	}
}

func TestSendAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		answer  func(int) (int, string)
		mod     func(*SendConfig)
		to      msg.Address  // "": sendertest.To
		wantErr sender.Error // Provider and Err are not compared
	}{
		{"bad password", nil, func(c *SendConfig) { c.Password = "wrong" }, "", sender.Error{Status: 403, Code: CodeAuth}},
		{"authentication failure", answerAuth, nil, "", sender.Error{Status: 403, Code: CodeAuth}},
		{"throttled", answerThrottled, nil, "", sender.Error{Status: 403, Code: CodeThroughput, Retryable: true}},
		{"no balance", answerNoBalance, nil, "", sender.Error{Status: 403, Code: CodeCharging}},
		{"no route", answerNoRoute, nil, "", sender.Error{Status: 412, Code: CodeNoRoute}},
		{"no bound connector", answerNoBound, nil, "", sender.Error{Status: 412, Code: CodeNoConnector, Retryable: true}},
		{"server error", answerDown, nil, "", sender.Error{Status: 500, Retryable: true}},
		{"interceptor down", answerIntercept, nil, "", sender.Error{Status: 503, Retryable: true}},
		{"bad request", answerBadRequest, nil, "", sender.Error{Status: 400}},
		{"bad number", nil, nil, "+2376700000x1", sender.Error{Status: 400, Code: CodeBadTo, InvalidNumber: true}},
		{"not jasmin", answerNotJasmin, nil, "", sender.Error{Status: 200}},
		{"empty id", answerEmptyID, nil, "", sender.Error{Status: 200}},
		{"too many requests", func(int) (int, string) { return 429, "slow down" }, nil, "", sender.Error{Status: 429, Retryable: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeJasmin(t, c.answer)
			m := sendertest.Msg
			if c.to != "" {
				m.To = c.to
			}
			_, err := newTestSender(t, f, c.mod).Send(context.Background(), m)
			var e *sender.Error
			if !errors.As(err, &e) {
				t.Fatalf("Send err = %v, want a *sender.Error", err)
			}
			got := *e
			got.Provider, got.Err = "", nil
			if got != c.wantErr || e.Provider != Provider {
				t.Fatalf("error %+v, want %+v", *e, c.wantErr)
			}
			for _, secret := range []string{fakePassword, "670000001", "référence"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q quotes %q", err, secret)
				}
			}
		})
	}
}

// TestSendRetryAfter: a throttled or failing Jasmin's Retry-After header
// (as a proxy in front of it sends) is carried to the outbox.
func TestSendRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []sendertest.RetryAfterCase{
		sendertest.Wait("seconds on throttling", 403, `Error "User throughput exceeded"`, "5", 5*time.Second, 5*time.Second),
		sendertest.Wait("seconds on 503", 503, `Error "InterceptorPB not connected !"`, "120", 2*time.Minute, 2*time.Minute),
		sendertest.Wait("capped", 503, `Error "InterceptorPB not connected !"`, "7200", sender.MaxRetryAfter, sender.MaxRetryAfter),
		sendertest.Wait("none", 500, `Error "Cannot send submit_sm"`, "", 0, 0),
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
			s, err := NewSender(SendConfig{URL: srv.URL + "/send", Username: fakeUser, Password: fakePassword})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Send(context.Background(), sendertest.Msg)
			sendertest.CheckRetryAfter(t, err, c)
		})
	}
}

func TestSendNetworkErrorIsRetryable(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	s, err := NewSender(SendConfig{URL: closed.URL + "/send?key=url-secret", Username: fakeUser, Password: fakePassword})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), sendertest.Msg)
	if !sender.IsRetryable(err) || strings.Contains(err.Error(), "url-secret") || strings.Contains(err.Error(), fakePassword) {
		t.Fatalf("Send err = %v, want retryable, quoting no secret", err)
	}
}
