package kannel

import (
	"context"
	"net/http"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestSendFailuresThroughTheOutbox: the reply to an inbound message meets
// each kind of answer from Kannel; the outbox's workers, classifying the
// sender's typed errors, retry what may succeed later and settle the rest.
func TestSendFailuresThroughTheOutbox(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		answer func(int) (int, string)
		want   func(outbox.LaneStats) bool
	}{
		{"accepted: sent", nil, func(c outbox.LaneStats) bool { return c.Sent == 1 && c.Queued == 0 }},
		{"queued for later: sent", answerQueued, func(c outbox.LaneStats) bool { return c.Sent == 1 && c.Queued == 0 }},
		{"temporal failure: waits for a retry", answerTemporal, func(c outbox.LaneStats) bool { return c.Retrying == 1 && c.Queued == 1 && c.Sent == 0 }},
		{"sending failed: waits for a retry", answerFailed, func(c outbox.LaneStats) bool { return c.Retrying == 1 && c.Queued == 1 }},
		{"denied number: settled as invalid", func(int) (int, string) {
			return 400, "Number(s) has/have been denied by white- and/or black-lists."
		}, func(c outbox.LaneStats) bool { return c.Invalid == 1 && c.Queued == 0 && c.Retrying == 0 }},
		{"not routable: a dead letter staff see", answerNotRoutable, func(c outbox.LaneStats) bool { return c.Dead == 1 && c.Retrying == 0 && c.Queued == 0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeKannel(t, c.answer)
			s := gateway(t, f, nil)
			if st, _, _ := s.Do(t, providertest.Request(http.MethodGet, moURL(moQuery("mo-o1", "237670000301", "Bonjour")), "", "", nil)); st != 200 {
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
