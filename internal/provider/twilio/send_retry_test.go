package twilio

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/sender/sendertest"
)

func TestTwilioRetryAfter(t *testing.T) {
	t.Parallel()
	const limited = `{"code":20429,"message":"Too Many Requests","status":429}`
	cases := []sendertest.RetryAfterCase{
		sendertest.Wait("seconds", 429, limited, "30", 30*time.Second, 30*time.Second),
		sendertest.Wait("http date", 503, `<html>Service Unavailable</html>`, sendertest.InTwoMinutes, 90*time.Second, 2*time.Minute),
		sendertest.Wait("capped", 429, limited, "86400", sender.MaxRetryAfter, sender.MaxRetryAfter),
		sendertest.Wait("garbage", 429, limited, "soon", 0, 0),
		sendertest.Wait("none", 429, limited, "", 0, 0),
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeTwilioHeader(t, c.Status, c.Body, c.Header())
			s := mustTwilio(t, SendConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, fake.srv.URL)
			_, err := s.Send(context.Background(), sendertest.Msg)
			sendertest.CheckRetryAfter(t, err, c)
		})
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
			base, err := sender.ParseBaseURL(c.base)
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
			s := mustTwilio(t, SendConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}, proxy.URL+suffix)
			res, err := s.Send(context.Background(), sendertest.Msg)
			if err != nil || res.ProviderID != "SM0002" {
				t.Fatalf("Send = %+v, %v", res, err)
			}
		})
	}
	if n := len(fake.received()); n != 2 {
		t.Fatalf("fake received %d requests, want 2", n)
	}
}
