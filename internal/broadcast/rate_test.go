package broadcast_test

import (
	"context"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

// TestCampaignRateTwoWorkers: two workers share one campaign's rate and
// the route's ceiling through the limiter in Redis. The sending rate is
// measured from the times the fake provider received the messages, over
// the middle of the run (the first and last 5 % dropped), and logged with
// the busiest second.
//
// Only a generous bound is asserted (measured between 0.3× and 1.5× the
// expected rate), so that a loaded machine cannot make the test flake: how
// close the rate keeps to its setting (within 10 % is the aim) is a figure
// to read in the log, measured and reported, not asserted.
func TestCampaignRateTwoWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("campaigns of several seconds each")
	}
	t.Parallel()
	t.Run("campaign rate", func(t *testing.T) {
		t.Parallel()
		// 600 recipients at 100 a second, under a ceiling of 5000.
		measureRate(t, 600, 100, 5000, 100)
	})
	t.Run("route ceiling below the rate", func(t *testing.T) {
		t.Parallel()
		// Validate refuses a rate over the ceiling when a campaign is
		// created; the ceiling can still be lowered afterwards (a restart
		// with a lower PASSERELLE_ROUTE_RATE): it holds.
		measureRate(t, 300, 100, 50, 50)
	})
}

// measureRate sends a campaign of n recipients at rate under ceiling with
// two workers, checks that everyone got it once, and measures the rate
// (want is the rate expected: the lower of rate and ceiling).
func measureRate(t *testing.T, n int, rate, ceiling, want float64) {
	r := newRig(t)
	r.register(t, n)
	var sent1, sent2 atomic.Int64
	th := &countingThrottler{Reserver: r.Store}
	c := r.create(t, broadcast.Campaign{Name: "Cadence", Texts: map[string]string{"fr": "Formation mardi.", "en": "Training on Tuesday."},
		Fallback: "fr", Audience: broadcast.Audience{Registered: true}, Rate: rate})
	timeout := time.Duration(float64(n)/want*float64(time.Second))*3 + 20*time.Second
	end := r.run(t, c.ID, timeout, countingWorker(r, th, "w1", ceiling, &sent1), countingWorker(r, th, "w2", ceiling, &sent2))

	got := r.fake.Received()
	checkOnce(t, got, n)
	if end.Counts.Sent != int64(n) {
		t.Fatalf("counts %+v, want %d sent", end.Counts, n)
	}
	m := rateOf(got)
	t.Logf("configured: campaign %g/s, route ceiling %g/s, expected %g/s; measured %.1f/s over the middle 90 %% (%.0f %% of expected), "+
		"busiest second %d messages, whole run %v; worker 1 sent %d, worker 2 %d; %.1f limiter calls per message",
		rate, ceiling, want, m.rate, 100*m.rate/want, m.busiest, m.span.Round(time.Millisecond), sent1.Load(), sent2.Load(),
		float64(th.calls.Load())/float64(n))
	if m.rate > 1.5*want || m.rate < 0.3*want {
		t.Errorf("measured %.1f messages a second, want about %g (between %g and %g)", m.rate, want, 0.3*want, 1.5*want)
	}
	if sent1.Load() == 0 || sent2.Load() == 0 {
		t.Logf("one worker sent everything: the shared limiter was not shared this time")
	}
}

// countingWorker is a worker like the rig's, sending through the fake and
// counting what it hands it, behind the limiter th.
func countingWorker(r *rig, th broadcast.Reserver, name string, ceiling float64, n *atomic.Int64) *outbox.Worker {
	s := outbox.SenderFunc(func(ctx context.Context, m msg.Outbound) (string, error) {
		n.Add(1)
		return r.tw.Send(ctx, m)
	})
	return throttledWorker(r.Store, th, s, name, ceiling)
}

// countingThrottler counts the calls to the shared limiter (one Redis
// round trip each).
type countingThrottler struct {
	broadcast.Reserver
	calls atomic.Int64
}

func (c *countingThrottler) Reserve(ctx context.Context, key string, perSecond float64, maxWait time.Duration) (time.Duration, bool, error) {
	c.calls.Add(1)
	return c.Reserver.Reserve(ctx, key, perSecond, maxWait)
}

// checkOnce fails t unless the fake received exactly one message for each
// of the n first registered people, and nothing else.
func checkOnce(t *testing.T, got []fakesms.Message, n int) {
	t.Helper()
	per := map[string]int{}
	for _, m := range got {
		per[m.To]++
	}
	for i := range n {
		if c := per[string(phoneOf(i))]; c != 1 {
			t.Errorf("%s received %d messages, want 1", phoneOf(i), c)
		}
	}
	if len(got) != n {
		t.Fatalf("the fake received %d messages, want %d", len(got), n)
	}
}

// measured is a rate measured from the provider's reception times.
type measured struct {
	// rate is messages a second over the middle 90 % of the run.
	rate float64
	// busiest is the most messages received within any one second.
	busiest int
	// span is the time from the first message received to the last.
	span time.Duration
}

// rateOf measures the rate at which messages reached the provider.
func rateOf(ms []fakesms.Message) measured {
	ts := make([]time.Time, len(ms))
	for i, m := range ms {
		ts[i] = m.At
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	var out measured
	if len(ts) < 2 {
		return out
	}
	out.span = ts[len(ts)-1].Sub(ts[0])
	lo, hi := len(ts)/20, len(ts)-1-len(ts)/20
	if d := ts[hi].Sub(ts[lo]); d > 0 {
		out.rate = float64(hi-lo) / d.Seconds()
	}
	j := 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= time.Second {
			j++
		}
		out.busiest = max(out.busiest, i-j+1)
	}
	return out
}

// Two faults the first throttle had, kept as tests: it waited for a
// campaign's rate inside a chunk, after OutboxBegin marked the chunk's
// messages as being sent, and the next chunk waited for the whole chunk.
// Now a message takes its place before Begin and one whose place is more
// than a moment away is held, its attempts untouched.

// TestCampaignSlowRateNotClaimed: a chunk of 32 messages at 4 a second
// takes 8 s, past the rig's 5 s claim idle time: the worker's own
// housekeeping would claim the entries still waiting, find them "sending"
// and settle them as unknown outcomes (or, with ResendUnknown, send them
// again). Every recipient must get it once, with no unknown outcome.
func TestCampaignSlowRateNotClaimed(t *testing.T) {
	if testing.Short() {
		t.Skip("8 s at 4 messages a second")
	}
	t.Parallel()
	const n = 32
	r := newRig(t)
	r.register(t, n)
	c := r.create(t, broadcast.Campaign{Name: "Lent", Texts: map[string]string{"fr": "Formation mardi."}, Fallback: "fr",
		Audience: broadcast.Audience{Registered: true}, Rate: 4, ResendUnknown: true})
	end := r.run(t, c.ID, 60*time.Second, r.worker("w1", 5000, nil))
	t.Logf("counts %+v; the fake accepted %d", end.Counts, r.fake.Count())
	checkOnce(t, r.fake.Received(), n)
	if end.Counts.Sent != n || end.Counts.Unknown != 0 {
		t.Errorf("counts %+v, want %d sent and no unknown outcome", end.Counts, n)
	}
}

// TestCampaignSlowDoesNotHoldFast: a campaign at 5 a second queued first
// must not hold the bulk lane: a 100-a-second campaign started after it
// (1.2 s of sending alone) is done while the slow one (8 s) is still
// sending. The order is asserted, not a duration: a busy machine slows
// both alike.
func TestCampaignSlowDoesNotHoldFast(t *testing.T) {
	if testing.Short() {
		t.Skip("8 s at 5 messages a second")
	}
	t.Parallel()
	r := newRig(t)
	r.register(t, 120)
	slow := r.create(t, broadcast.Campaign{Name: "Lent", Texts: map[string]string{"en": "Slow."}, Fallback: "en",
		Audience: broadcast.Audience{Registered: true, Lang: []string{"en"}}, Rate: 5})
	runPipeline(t, r.Store, pipelineWorker(r.Store, r.tw, "w1", 5000))
	time.Sleep(300 * time.Millisecond) // the slow campaign's 40 messages are queued first
	fast := r.create(t, broadcast.Campaign{Name: "Vite", Texts: map[string]string{"fr": "Vite.", "en": "Fast."}, Fallback: "fr",
		Audience: broadcast.Audience{Registered: true}, Rate: 100})
	t0 := time.Now()
	waitCampaign(t, r.Store, fast.ID, time.Minute)
	tookFast := time.Since(t0)
	during, err := r.Store.Campaign(context.Background(), slow.ID)
	if err != nil {
		t.Fatal(err)
	}
	waitCampaign(t, r.Store, slow.ID, time.Minute)
	t.Logf("fast campaign (120 at 100/s) done in %v, the slow one (40 at 5/s) then at %d sent; done in %v",
		tookFast.Round(time.Millisecond), during.Counts.Sent, time.Since(t0).Round(time.Millisecond))
	if during.State == broadcast.Done || during.Counts.Sent >= 40 {
		t.Errorf("the fast campaign ended after the slow one (%s, %d sent): it waited behind it", during.State, during.Counts.Sent)
	}
}
