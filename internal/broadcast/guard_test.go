package broadcast_test

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sim"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestQuietHoursAndSessionGuard, on an injected clock: the runner queues
// nothing during quiet hours; messages queued just before are held by the
// workers until the quiet hours end, then sent; a person whose
// conversation moved in the last minutes is held until it has been quiet
// that long, the others are not.
func TestQuietHoursAndSessionGuard(t *testing.T) {
	t.Parallel()
	douala, err := time.LoadLocation("Africa/Douala")
	if err != nil {
		t.Fatal(err)
	}
	quiet, _ := broadcast.ParseQuiet("20:00-08:00", douala)
	r := newRig(t)
	r.register(t, 10)
	ctx := context.Background()
	clock := sim.NewClock(time.Date(2026, 12, 1, 21, 0, 0, 0, douala))
	const guardFor, stateTTL = 5 * time.Minute, 24 * time.Hour
	guard := func(now time.Time) outbox.Guard {
		return outbox.Guard{QuietUntil: quiet.Until(now), SessionGuard: guardFor, StateTTL: stateTTL}
	}
	w := outbox.New(r.Store, r.tw, outbox.Config{Consumer: "g1", Provider: "twilio", Now: clock.Now, Guard: guard, Log: apptest.Discard()})
	runner := broadcast.NewRunner(r.Store, broadcast.RunnerConfig{Quiet: quiet, Now: clock.Now, Log: apptest.Discard()})
	c := r.create(t, broadcast.Campaign{Name: "Nuit", Texts: map[string]string{"fr": "Bonjour", "en": "Hello"}, Fallback: "fr",
		Audience: broadcast.Audience{Registered: true}, Rate: 100})
	counts := func() broadcast.Counts {
		got, err := r.Store.Campaign(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Counts
	}

	// 21:00: quiet. Nothing is queued.
	if err := runner.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if q := counts().Queued; q != 0 {
		t.Fatalf("%d queued during quiet hours", q)
	}
	// 19:59 the next day: queued; 20:00: the workers hold them.
	clock.Advance(22*time.Hour + 59*time.Minute)
	if err := runner.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if q := counts().Queued; q != 10 {
		t.Fatalf("%d queued before the quiet hours, want 10", q)
	}
	clock.Advance(time.Minute)
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if r.fake.Count() != 0 || counts().DeferredQuiet != 10 {
		t.Fatalf("at 20:00: %d sent, counts %+v", r.fake.Count(), counts())
	}
	// Person 0 is in a conversation when the quiet hours end.
	p0 := r.Hasher.Person(phoneOf(0))
	conv := r.Prefix + "conv:{" + string(p0) + "}"
	if err := r.Redis.Set(ctx, conv, "1:state", stateTTL).Err(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(12 * time.Hour) // 08:00
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.fake.Count(); n != 9 || counts().DeferredSession != 1 {
		t.Fatalf("at 08:00: %d sent, counts %+v: want 9 sent, 1 held for its conversation", n, counts())
	}
	for _, m := range r.fake.Received() {
		if m.To == string(phoneOf(0)) {
			t.Fatal("sent into a conversation under way")
		}
	}
	// Six quiet minutes later (the conversation's expiry tells its age).
	if err := r.Redis.PExpire(ctx, conv, stateTTL-6*time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(6 * time.Minute)
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.fake.Count(); n != 10 {
		t.Fatalf("%d sent after the conversation went quiet, want 10", n)
	}
	if err := runner.Step(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := r.Store.Campaign(ctx, c.ID)
	if got.State != broadcast.Done || got.Counts.Sent != 10 {
		t.Fatalf("campaign %s %+v", got.State, got.Counts)
	}
}
