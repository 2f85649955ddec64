package broadcast_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
)

// TestConversationLatencyDuringCampaign: while a 10,000-recipient campaign
// sends as fast as the pipeline goes (rate and ceiling far above it), a
// conversation-lane message is queued every 20 ms, as hops would; the same
// two workers send both lanes. Each conversation message's latency, from
// its queueing (Enqueue returned) to the fake provider receiving it, is
// measured and its p50, p90, p99 and maximum logged. Only p99 < 2 s is
// asserted, a bound a loaded machine stays under: the figures are for the
// report.
func TestConversationLatencyDuringCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10,000-recipient campaign")
	}
	// Not parallel: the latency is measured with the package's other tests
	// out of the way.
	const (
		n     = 10000
		every = 20 * time.Millisecond
	)
	r := newRig(t)
	t0 := time.Now()
	registerPeople(t, r.Store, r.Hasher, n)
	t.Logf("registered %d people in %v", n, time.Since(t0).Round(time.Millisecond))
	c := r.create(t, broadcast.Campaign{Name: "Grande", Texts: map[string]string{"fr": "Formation mardi.", "en": "Training on Tuesday."},
		Fallback: "fr", Audience: broadcast.Audience{Registered: true}, Rate: 1e5})

	start := time.Now()
	runPipeline(t, r.Store, pipelineWorker(r.Store, r.tw, "w1", 1e5), pipelineWorker(r.Store, r.tw, "w2", 1e5))

	// Conversation messages go to numbers outside the audience's range.
	convTo := func(i int) msg.Address { return msg.Address(fmt.Sprintf("+23769%07d", i)) }
	var (
		mu     sync.Mutex
		queued = map[string]time.Time{} // number → when Enqueue returned
		stop   = make(chan struct{})
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			to := convTo(i)
			m := msg.Outbound{ID: fmt.Sprintf("conv%06d", i), To: to, Person: r.Hasher.Person(to), Kind: msg.KindPage,
				Lane: msg.LaneConversation, Text: fmt.Sprintf("Passerelle: votre page %d", i)}
			if err := r.Store.Enqueue(context.Background(), m); err != nil {
				t.Errorf("queueing a conversation message: %v", err)
				return
			}
			at := time.Now()
			mu.Lock()
			queued[string(to)] = at
			mu.Unlock()
		}
	}()
	end := waitCampaign(t, r.Store, c.ID, 2*time.Minute)
	took := time.Since(start)
	close(stop)
	<-done
	if end.Counts.Sent != n {
		t.Fatalf("campaign %s: %+v, want %d sent", end.State, end.Counts, n)
	}

	// Every conversation message arrives, once.
	mu.Lock()
	nconv := len(queued)
	mu.Unlock()
	all := r.fake.WaitFor(t, n+nconv, 10*time.Second)
	got := map[string]time.Time{}
	var lastBulk time.Time
	for _, m := range all {
		if !strings.HasPrefix(m.To, "+23769") {
			lastBulk = maxTime(lastBulk, m.At)
			continue
		}
		if _, ok := got[m.To]; ok {
			t.Errorf("%s received twice", m.To)
		}
		got[m.To] = m.At
	}
	// Only messages queued while the campaign was still sending count.
	var lat []time.Duration
	for to, q := range queued {
		at, ok := got[to]
		if !ok {
			t.Errorf("conversation message to %s never received", to)
			continue
		}
		if q.After(lastBulk) {
			continue
		}
		lat = append(lat, max(at.Sub(q), 0))
	}
	if len(lat) == 0 {
		t.Fatal("no conversation message was queued while the campaign sent")
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	t.Logf("campaign of %d sent in %v (%.0f msgs/s, two workers, fake provider); %d conversation messages queued during it, one every %v",
		n, took.Round(time.Millisecond), n/took.Seconds(), len(lat), every)
	t.Logf("conversation latency (queued → provider): p50 %v, p90 %v, p99 %v, max %v",
		pct(0.50).Round(100*time.Microsecond), pct(0.90).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond))
	if p99 := pct(0.99); p99 > 2*time.Second {
		t.Errorf("conversation p99 latency %v during a campaign, want under 2s", p99)
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
