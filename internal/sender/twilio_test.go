package sender

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

const (
	testSID   = "AC00000000000000000000000000000001"
	testToken = "secrettoken0001"
	testTo    = msg.Address("+237670000001")
)

var testMsg = msg.Outbound{ID: "m-42", To: testTo, Text: "Bonjour, votre référence est 12."}

func TestNewTwilioValidates(t *testing.T) {
	t.Parallel()
	ok := TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}
	cases := []struct {
		name   string
		modify func(*TwilioConfig)
		ok     bool
	}{
		{"from", func(*TwilioConfig) {}, true},
		{"service", func(c *TwilioConfig) { c.From, c.MessagingServiceSID = "", "MG1" }, true},
		{"both", func(c *TwilioConfig) { c.MessagingServiceSID = "MG1" }, false},
		{"neither", func(c *TwilioConfig) { c.From = "" }, false},
		{"no sid", func(c *TwilioConfig) { c.AccountSID = "" }, false},
		{"no token", func(c *TwilioConfig) { c.AuthToken = "" }, false},
		{"relative callback", func(c *TwilioConfig) { c.StatusCallback = "/twilio/status" }, false},
		{"ftp base", func(c *TwilioConfig) { c.BaseURL = "ftp://example.test" }, false},
		{"base with query", func(c *TwilioConfig) { c.BaseURL = "https://proxy.example.test/twilio?a=1" }, false},
		{"base with fragment", func(c *TwilioConfig) { c.BaseURL = "https://proxy.example.test/twilio#x" }, false},
		{"base with path", func(c *TwilioConfig) { c.BaseURL = "https://proxy.example.test/twilio" }, true},
		{"callback", func(c *TwilioConfig) { c.StatusCallback = "https://gw.example.test/twilio/status" }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			c.modify(&cfg)
			_, err := NewTwilio(cfg)
			if c.ok != (err == nil) {
				t.Fatalf("NewTwilio err = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestTwilioSendRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		cfg      TwilioConfig
		from     string
		service  string
		callback string
	}{
		{
			name:     "from number",
			cfg:      TwilioConfig{From: "+15005550006", StatusCallback: "https://gw.example.test/twilio/status"},
			from:     "+15005550006",
			callback: "https://gw.example.test/twilio/status?mid=m-42",
		},
		{
			name:     "messaging service keeps callback query",
			cfg:      TwilioConfig{MessagingServiceSID: "MG123", StatusCallback: "https://gw.example.test/s?tenant=cm"},
			service:  "MG123",
			callback: "https://gw.example.test/s?mid=m-42&tenant=cm",
		},
		{
			name:    "no callback",
			cfg:     TwilioConfig{MessagingServiceSID: "MG123"},
			service: "MG123",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeTwilio(t, http.StatusCreated, `{"sid":"SM0001","status":"queued"}`)
			c.cfg.AccountSID, c.cfg.AuthToken = testSID, testToken
			res, err := mustTwilio(t, c.cfg, fake.srv.URL).Send(context.Background(), testMsg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if res.ProviderID != "SM0001" {
				t.Fatalf("ProviderID = %q", res.ProviderID)
			}
			got := fake.received()
			if len(got) != 1 {
				t.Fatalf("fake received %d requests, want 1", len(got))
			}
			want := twilioSend{
				Account: testSID, User: testSID, Password: testToken,
				To: string(testTo), From: c.from, MessagingServiceSid: c.service,
				Body: testMsg.Text, StatusCallback: c.callback,
			}
			if got[0] != want {
				t.Fatalf("fake received\n%+v\nwant\n%+v", got[0], want)
			}
		})
	}
}

func TestTwilioSendErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		status  int
		body    string
		want    Error // Provider and Err are not compared
		wantErr string
	}{
		{"rate limited", 429, `{"code":20429,"message":"Too Many Requests","status":429}`,
			Error{Status: 429, Code: "20429", Retryable: true}, ""},
		{"opted out", 400, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`,
			Error{Status: 400, Code: "21610", OptedOut: true}, ""},
		{"invalid to", 400, `{"code":21211,"message":"The 'To' number +237670000001 is not a valid phone number.","status":400}`,
			Error{Status: 400, Code: "21211", InvalidNumber: true}, ""},
		{"not mobile", 400, `{"code":21614,"message":"'To' number is not a valid mobile number","status":400}`,
			Error{Status: 400, Code: "21614", InvalidNumber: true}, ""},
		{"other 4xx", 400, `{"code":21602,"message":"Message body is required.","status":400}`,
			Error{Status: 400, Code: "21602"}, ""},
		{"auth", 401, `{"code":20003,"message":"Authenticate","status":401}`,
			Error{Status: 401, Code: "20003"}, ""},
		{"server error", 500, `{"code":20500,"message":"Internal Server Error","status":500}`,
			Error{Status: 500, Code: "20500", Retryable: true}, ""},
		{"bad gateway html", 502, `<html>Bad Gateway</html>`,
			Error{Status: 502, Retryable: true}, ""},
		{"created without sid", 201, `{"status":"queued"}`,
			Error{Status: 201}, "no message SID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeTwilio(t, c.status, c.body)
			s := mustTwilio(t, TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, fake.srv.URL)
			_, err := s.Send(context.Background(), testMsg)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Send err = %v, want an *Error", err)
			}
			got := *e
			got.Provider, got.Err = "", nil
			if got != c.want {
				t.Fatalf("error = %+v, want %+v", got, c.want)
			}
			if e.Provider != ProviderTwilio || IsRetryable(err) != c.want.Retryable || IsOptedOut(err) != c.want.OptedOut {
				t.Fatalf("error %v misclassified", err)
			}
			if strings.Contains(err.Error(), string(testTo)[1:]) {
				t.Fatalf("error message leaks the number: %v", err)
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %q does not contain %q", err, c.wantErr)
			}
		})
	}
}

func TestTwilioNetworkErrorsAreRetryable(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) }) // runs first: unblocks the handler

	cases := []struct {
		name    string
		baseURL string
		timeout time.Duration
	}{
		{"connection refused", closed.URL, 0},
		{"context deadline", slow.URL, 50 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if c.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.timeout)
				defer cancel()
			}
			s := mustTwilio(t, TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, c.baseURL)
			start := time.Now()
			_, err := s.Send(ctx, testMsg)
			if !IsRetryable(err) {
				t.Fatalf("Send err = %v, want retryable", err)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Fatalf("Send took %v: context not honoured", elapsed)
			}
		})
	}
}
