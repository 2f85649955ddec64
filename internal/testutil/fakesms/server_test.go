package fakesms_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

// TestOwnServerShutdown serves the fakes' handlers on plain *http.Servers:
// Shutdown completes although a delayed answer is pending, because Close is
// registered with RegisterOnShutdown.
func TestOwnServerShutdown(t *testing.T) {
	t.Parallel()
	tw, at := fakesms.NewTwilio(t), fakesms.NewAfricasTalking(t)
	cases := []struct {
		name    string
		handler http.Handler
		close   func()
		set     func(func(int, fakesms.Message) fakesms.Response)
		tries   func() int
		sender  func(t *testing.T, base string) sender.Sender
	}{
		{"twilio", tw.Handler(), tw.Close, tw.SetHandler, tw.Attempts, func(t *testing.T, base string) sender.Sender {
			s, err := twilio.NewSender(twilio.SendConfig{AccountSID: testSID, AuthToken: testToken, From: testFrom, BaseURL: base})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"africastalking", at.Handler(), at.Close, at.SetHandler, at.Attempts, func(t *testing.T, base string) sender.Sender {
			s, err := africastalking.NewSender(africastalking.SendConfig{Username: "sandbox", APIKey: "at-test-key-0123456789", BaseURL: base})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: c.handler, ReadHeaderTimeout: 5 * time.Second}
			srv.RegisterOnShutdown(c.close)
			served := make(chan error, 1)
			go func() { served <- srv.Serve(ln) }()
			s := c.sender(t, "http://"+ln.Addr().String())
			if _, err := s.Send(context.Background(), message(1)); err != nil {
				t.Fatalf("Send: %v", err)
			}
			c.set(fakesms.Sequence(fakesms.Response{Delay: time.Hour}))
			pending := make(chan error, 1)
			go func() {
				_, err := s.Send(context.Background(), message(2))
				pending <- err
			}()
			waitUntil(t, func() bool { return c.tries() == 2 })
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if err := <-served; !errors.Is(err, http.ErrServerClosed) {
				t.Fatalf("Serve: %v", err)
			}
			if err := <-pending; !sender.IsRetryable(err) {
				t.Fatalf("pending Send = %v, want retryable", err)
			}
		})
	}
}
