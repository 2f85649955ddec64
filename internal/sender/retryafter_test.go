package sender

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, time.October, 21, 7, 28, 0, 0, time.UTC)
	cases := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"seconds with spaces", " 30 ", 30 * time.Second},
		{"zero", "0", 0},
		{"an hour", "3600", time.Hour},
		{"capped", "3601", MaxRetryAfter},
		{"overflow capped", "99999999999999999999999", MaxRetryAfter},
		{"negative", "-5", 0},
		{"fraction", "1.5", 0},
		{"go duration", "30s", 0},
		{"word", "soon", 0},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"rfc 850 date", "Tuesday, 21-Oct-25 07:30:00 GMT", 2 * time.Minute},
		{"asctime date", "Tue Oct 21 07:29:00 2025", time.Minute},
		{"date now", now.Format(http.TimeFormat), 0},
		{"past date", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"far date capped", now.Add(48 * time.Hour).Format(http.TimeFormat), MaxRetryAfter},
		{"date without zone", "Tue, 21 Oct 2025 07:30:00", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := parseRetryAfter(c.value, now); got != c.want {
				t.Fatalf("parseRetryAfter(%q) = %v, want %v", c.value, got, c.want)
			}
		})
	}
}

func TestRetryAfterOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"nil", nil, 0},
		{"plain", errors.New("boom"), 0},
		{"none said", &Error{Retryable: true}, 0},
		{"wrapped", fmt.Errorf("error sending message m-1: %w", &Error{Retryable: true, RetryAfter: 7 * time.Second}), 7 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := RetryAfterOf(c.err); got != c.want {
				t.Fatalf("RetryAfterOf(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}

// retryAfterCase is a provider answer and the wait its error must carry,
// between min and max (an HTTP-date is counted from the moment it is read).
type retryAfterCase struct {
	name       string
	status     int
	body       string
	retryAfter string // the header; "" sends none
	min, max   time.Duration
}

// inTwoMinutes is an HTTP-date two minutes from now.
func inTwoMinutes() string { return time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat) }

func TestTwilioRetryAfter(t *testing.T) {
	t.Parallel()
	const limited = `{"code":20429,"message":"Too Many Requests","status":429}`
	cases := []retryAfterCase{
		{"seconds", 429, limited, "30", 30 * time.Second, 30 * time.Second},
		{"http date", 503, `<html>Service Unavailable</html>`, inTwoMinutes(), 2*time.Minute - 2*time.Second, 2 * time.Minute},
		{"capped", 429, limited, "86400", MaxRetryAfter, MaxRetryAfter},
		{"garbage", 429, limited, "soon", 0, 0},
		{"none", 429, limited, "", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			header := http.Header{}
			if c.retryAfter != "" {
				header.Set("Retry-After", c.retryAfter)
			}
			fake := newFakeTwilioHeader(t, c.status, c.body, header)
			s := mustTwilio(t, TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, fake.srv.URL)
			_, err := s.Send(context.Background(), testMsg)
			checkRetryAfter(t, err, c)
		})
	}
}

func TestAfricasTalkingRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []retryAfterCase{
		{"seconds on http 429", 429, `Too Many Requests`, "5", 5 * time.Second, 5 * time.Second},
		{"seconds on recipient 501", 201, atRecipient("501", "GatewayError", "None"), "60", time.Minute, time.Minute},
		{"http date", 503, `Service Unavailable`, inTwoMinutes(), 2*time.Minute - 2*time.Second, 2 * time.Minute},
		{"capped", 503, `Service Unavailable`, "7200", MaxRetryAfter, MaxRetryAfter},
		{"garbage", 429, `Too Many Requests`, "-1", 0, 0},
		{"none", 500, `Internal Server Error`, "", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			header := http.Header{}
			if c.retryAfter != "" {
				header.Set("Retry-After", c.retryAfter)
			}
			fake := newFakeATHeader(t, c.status, c.body, header)
			s, err := NewAfricasTalking(AfricasTalkingConfig{Username: "passerelle", APIKey: "atkey", BaseURL: fake.srv.URL})
			if err != nil {
				t.Fatalf("NewAfricasTalking: %v", err)
			}
			_, err = s.Send(context.Background(), testMsg)
			checkRetryAfter(t, err, c)
		})
	}
}

// checkRetryAfter fails t unless err is retryable and carries c's wait.
func checkRetryAfter(t *testing.T, err error, c retryAfterCase) {
	t.Helper()
	if !IsRetryable(err) {
		t.Fatalf("Send err = %v, want retryable", err)
	}
	if got := RetryAfterOf(err); got < c.min || got > c.max {
		t.Fatalf("RetryAfterOf(%v) = %v, want %v to %v", err, got, c.min, c.max)
	}
}

func TestRebase(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, base, want string
	}{
		{"host only", "http://127.0.0.1:8080", "http://127.0.0.1:8080/2010-04-01/Accounts/AC1/Messages.json"},
		{"root slash", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/2010-04-01/Accounts/AC1/Messages.json"},
		{"prefix", "https://proxy.example.test/twilio", "https://proxy.example.test/twilio/2010-04-01/Accounts/AC1/Messages.json"},
		{"prefix with slash", "https://proxy.example.test/a/twilio/", "https://proxy.example.test/a/twilio/2010-04-01/Accounts/AC1/Messages.json"},
		{"escaped prefix", "https://proxy.example.test/a%2Fb", "https://proxy.example.test/a%2Fb/2010-04-01/Accounts/AC1/Messages.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			base, err := parseBaseURL(c.base)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", nil)
			rebase(req, base)
			if got := req.URL.String(); got != c.want || req.Host != base.Host {
				t.Fatalf("rebased to %s (Host %s), want %s", got, req.Host, c.want)
			}
		})
	}
}

func TestTwilioBaseURLPathPrefix(t *testing.T) {
	t.Parallel()
	fake := newFakeTwilio(t, http.StatusCreated, `{"sid":"SM0002","status":"queued"}`)
	proxy := httptest.NewServer(http.StripPrefix("/proxy/twilio", fake.srv.Config.Handler))
	t.Cleanup(proxy.Close)
	for _, suffix := range []string{"/proxy/twilio", "/proxy/twilio/"} {
		t.Run(suffix, func(t *testing.T) {
			s := mustTwilio(t, TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, proxy.URL+suffix)
			res, err := s.Send(context.Background(), testMsg)
			if err != nil || res.ProviderID != "SM0002" {
				t.Fatalf("Send = %+v, %v", res, err)
			}
		})
	}
	if n := len(fake.received()); n != 2 {
		t.Fatalf("fake received %d requests, want 2", n)
	}
}
