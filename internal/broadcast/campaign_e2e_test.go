package broadcast_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

// TestCampaignExactlyOnce: 2,000 registered people; 40 opted out before
// the campaign; the fake answers some 429s with Retry-After and 21610 (the
// person blocked us) for 20 numbers. Every eligible recipient gets the
// message exactly once in their language, the opted-out are skipped and
// counted, the blocked are marked opted out and never retried.
func TestCampaignExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a 2,000-recipient campaign")
	}
	t.Parallel()
	r := newRig(t)
	const n = 2000
	r.register(t, n)
	ctx := context.Background()
	optedOut := map[msg.Address]bool{}
	for i := 5; i < n; i += 50 {
		optedOut[phoneOf(i)] = true
		if err := r.Store.SetOptOut(ctx, r.Hasher.Person(phoneOf(i)), true); err != nil {
			t.Fatal(err)
		}
	}
	blocked := map[string]bool{}
	for i := 7; i < n; i += 100 {
		blocked[string(phoneOf(i))] = true
	}
	r.fake.SetHandler(func(k int, m fakesms.Message) fakesms.Response {
		switch {
		case blocked[m.To]:
			return fakesms.Fail(http.StatusBadRequest, 21610)
		case k%97 == 0:
			return fakesms.RateLimited("1")
		}
		return fakesms.OK()
	})
	c := r.create(t, broadcast.Campaign{Name: "Formation", Texts: map[string]string{"fr": "Formation a Bafoussam mardi.", "en": "Training in Bafoussam on Tuesday."},
		Fallback: "fr", Audience: broadcast.Audience{Registered: true}, Rate: 2000})
	end := r.run(t, c.ID, 60*time.Second, r.worker("w1", 5000, nil))

	got := map[string]int{}
	for _, m := range r.fake.Received() {
		got[m.To]++
		want := "Formation a Bafoussam mardi."
		if phoneIdx(m.To)%3 == 0 {
			want = "Training in Bafoussam on Tuesday."
		}
		if m.Body != want {
			t.Fatalf("%s got %q, want %q", m.To, m.Body, want)
		}
	}
	eligible := 0
	for i := 0; i < n; i++ {
		p := string(phoneOf(i))
		switch {
		case optedOut[msg.Address(p)] || blocked[p]:
			if got[p] != 0 {
				t.Errorf("%s (opted out or blocked) received %d", p, got[p])
			}
		default:
			eligible++
			if got[p] != 1 {
				t.Errorf("%s received %d messages, want 1", p, got[p])
			}
		}
	}
	c2 := end.Counts
	t.Logf("counts %+v; fake: %d requests, %d accepted", c2, r.fake.Attempts(), r.fake.Count())
	if c2.Audience != n || c2.Queued != n || c2.Sent != int64(eligible) || c2.Skipped != int64(len(optedOut)) || c2.Failed != int64(len(blocked)) {
		t.Fatalf("counts %+v: want audience and queued %d, sent %d, skipped %d, failed %d", c2, n, eligible, len(optedOut), len(blocked))
	}
	for p := range blocked {
		if out, _ := r.Store.OptedOut(ctx, r.Hasher.Person(msg.Address(p))); !out {
			t.Errorf("%s blocked us but is not opted out", p)
		}
	}
}

func phoneIdx(p string) int {
	n := 0
	for _, c := range p[6:] {
		n = n*10 + int(c-'0')
	}
	return n
}
