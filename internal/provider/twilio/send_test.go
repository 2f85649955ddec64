package twilio

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/sender/sendertest"
)

const (
	testSID   = "AC00000000000000000000000000000001"
	testToken = "secrettoken0001"
)

func TestNewTwilioValidates(t *testing.T) {
	t.Parallel()
	ok := SendConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}
	cases := []struct {
		name   string
		modify func(*SendConfig)
		ok     bool
	}{
		{"from", func(*SendConfig) {}, true},
		{"service", func(c *SendConfig) { c.From, c.MessagingServiceSID = "", "MG1" }, true},
		{"both", func(c *SendConfig) { c.MessagingServiceSID = "MG1" }, false},
		{"neither", func(c *SendConfig) { c.From = "" }, false},
		{"no sid", func(c *SendConfig) { c.AccountSID = "" }, false},
		{"no token", func(c *SendConfig) { c.AuthToken = "" }, false},
		{"relative callback", func(c *SendConfig) { c.StatusCallback = "/twilio/status" }, false},
		{"ftp base", func(c *SendConfig) { c.BaseURL = "ftp://example.test" }, false},
		{"base with query", func(c *SendConfig) { c.BaseURL = "https://proxy.example.test/twilio?a=1" }, false},
		{"base with fragment", func(c *SendConfig) { c.BaseURL = "https://proxy.example.test/twilio#x" }, false},
		{"base with path", func(c *SendConfig) { c.BaseURL = "https://proxy.example.test/twilio" }, true},
		{"callback", func(c *SendConfig) { c.StatusCallback = "https://gw.example.test/twilio/status" }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			c.modify(&cfg)
			_, err := NewSender(cfg)
			if c.ok != (err == nil) {
				t.Fatalf("NewSender err = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestTwilioSendRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		cfg      SendConfig
		from     string
		service  string
		callback string
	}{
		{
			name:     "from number",
			cfg:      SendConfig{From: "+15005550006", StatusCallback: "https://gw.example.test/twilio/status"},
			from:     "+15005550006",
			callback: "https://gw.example.test/twilio/status?mid=m-42",
		},
		{
			name:     "messaging service keeps callback query",
			cfg:      SendConfig{MessagingServiceSID: "MG123", StatusCallback: "https://gw.example.test/s?tenant=cm"},
			service:  "MG123",
			callback: "https://gw.example.test/s?mid=m-42&tenant=cm",
		},
		{
			name:    "no callback",
			cfg:     SendConfig{MessagingServiceSID: "MG123"},
			service: "MG123",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeTwilio(t, http.StatusCreated, `{"sid":"SM0001","status":"queued"}`)
			c.cfg.AccountSID, c.cfg.AuthToken = testSID, testToken
			res, err := mustTwilio(t, c.cfg, fake.srv.URL).Send(context.Background(), sendertest.Msg)
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
				To: string(sendertest.To), From: c.from, MessagingServiceSid: c.service,
				Body: sendertest.Msg.Text, StatusCallback: c.callback,
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
		want    sender.Error // Provider and Err are not compared
		wantErr string
	}{
		{"rate limited", 429, `{"code":20429,"message":"Too Many Requests","status":429}`,
			sender.Error{Status: 429, Code: "20429", Retryable: true}, ""},
		{"opted out", 400, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`,
			sender.Error{Status: 400, Code: "21610", OptedOut: true}, ""},
		{"invalid to", 400, `{"code":21211,"message":"The 'To' number +237670000001 is not a valid phone number.","status":400}`,
			sender.Error{Status: 400, Code: "21211", InvalidNumber: true}, ""},
		{"not mobile", 400, `{"code":21614,"message":"'To' number is not a valid mobile number","status":400}`,
			sender.Error{Status: 400, Code: "21614", InvalidNumber: true}, ""},
		{"other 4xx", 400, `{"code":21602,"message":"Message body is required.","status":400}`,
			sender.Error{Status: 400, Code: "21602"}, ""},
		{"auth", 401, `{"code":20003,"message":"Authenticate","status":401}`,
			sender.Error{Status: 401, Code: "20003"}, ""},
		{"server error", 500, `{"code":20500,"message":"Internal Server Error","status":500}`,
			sender.Error{Status: 500, Code: "20500", Retryable: true}, ""},
		{"bad gateway html", 502, `<html>Bad Gateway</html>`,
			sender.Error{Status: 502, Retryable: true}, ""},
		{"created without sid", 201, `{"status":"queued"}`,
			sender.Error{Status: 201}, "no message SID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeTwilio(t, c.status, c.body)
			s := mustTwilio(t, SendConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, fake.srv.URL)
			_, err := s.Send(context.Background(), sendertest.Msg)
			var e *sender.Error
			if !errors.As(err, &e) {
				t.Fatalf("Send err = %v, want an *sender.Error", err)
			}
			got := *e
			got.Provider, got.Err = "", nil
			if got != c.want {
				t.Fatalf("error = %+v, want %+v", got, c.want)
			}
			if e.Provider != Provider || sender.IsRetryable(err) != c.want.Retryable || sender.IsOptedOut(err) != c.want.OptedOut {
				t.Fatalf("error %v misclassified", err)
			}
			if strings.Contains(err.Error(), string(sendertest.To)[1:]) {
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
			s := mustTwilio(t, SendConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, c.baseURL)
			_, err := s.Send(ctx, sendertest.Msg)
			if !sender.IsRetryable(err) {
				t.Fatalf("Send err = %v, want retryable", err)
			}
		})
	}
}
