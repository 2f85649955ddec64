package africastalking

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/sender/sendertest"
)

func TestAfricasTalkingRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []sendertest.RetryAfterCase{
		sendertest.Wait("seconds on http 429", 429, `Too Many Requests`, "5", 5*time.Second, 5*time.Second),
		sendertest.Wait("seconds on recipient 501", 201, atRecipient("501", "GatewayError", "None"), "60", time.Minute, time.Minute),
		sendertest.Wait("http date", 503, `Service Unavailable`, sendertest.InTwoMinutes, 90*time.Second, 2*time.Minute),
		sendertest.Wait("capped", 503, `Service Unavailable`, "7200", sender.MaxRetryAfter, sender.MaxRetryAfter),
		sendertest.Wait("garbage", 429, `Too Many Requests`, "-1", 0, 0),
		sendertest.Wait("none", 500, `Internal Server Error`, "", 0, 0),
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			fake := newFakeATHeader(t, c.Status, c.Body, c.Header())
			s, err := NewSender(SendConfig{Username: "passerelle", APIKey: "atkey", BaseURL: fake.srv.URL})
			if err != nil {
				t.Fatalf("NewSender: %v", err)
			}
			_, err = s.Send(context.Background(), sendertest.Msg)
			sendertest.CheckRetryAfter(t, err, c)
		})
	}
}
