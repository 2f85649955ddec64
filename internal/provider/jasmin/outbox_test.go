package jasmin

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// TestSendFailuresThroughTheOutbox: the reply to an inbound message meets
// each kind of refusal from Jasmin; the outbox's workers, classifying the
// sender's typed errors, retry what may succeed later and settle the rest.
func TestSendFailuresThroughTheOutbox(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		answer func(int) (int, string)
		want   func(outbox.LaneStats) bool
	}{
		{"throttled: waits for a retry", answerThrottled, func(c outbox.LaneStats) bool { return c.Retrying == 1 && c.Queued == 1 && c.Sent == 0 }},
		{"no bound connector: waits for a retry", answerNoBound, func(c outbox.LaneStats) bool { return c.Retrying == 1 && c.Queued == 1 }},
		{"jasmin down: waits for a retry", answerDown, func(c outbox.LaneStats) bool { return c.Retrying == 1 && c.Queued == 1 }},
		{"bad number: settled as invalid", func(int) (int, string) { return 400, `Error "Argument [to] has an invalid value: [+1]."` },
			func(c outbox.LaneStats) bool { return c.Invalid == 1 && c.Queued == 0 && c.Retrying == 0 }},
		{"no route: a dead letter staff see", answerNoRoute, func(c outbox.LaneStats) bool { return c.Dead == 1 && c.Retrying == 0 && c.Queued == 0 }},
		{"bad credentials: a dead letter staff see", answerAuth, func(c outbox.LaneStats) bool { return c.Dead == 1 && c.Retrying == 0 }},
		{"accepted: sent", nil, func(c outbox.LaneStats) bool { return c.Sent == 1 && c.Queued == 0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeJasmin(t, c.answer)
			s := gateway(t, f, nil)
			if st, _, _ := s.Post(t, moTarget, moForm("mo-o1", "237670000301", "Bonjour").Encode(), nil); st != 200 {
				t.Fatalf("inbound: %d", st)
			}
			s.Outbox.Drain(t)
			st, err := s.Store.OutboxStats(context.Background(), s.Clock.Now(), 0)
			if err != nil {
				t.Fatal(err)
			}
			got := st.Lanes[msg.LaneConversation]
			if f.attempts() != 1 || !c.want(got) {
				t.Fatalf("%d tries, conversation lane %+v", f.attempts(), got)
			}
		})
	}
}
