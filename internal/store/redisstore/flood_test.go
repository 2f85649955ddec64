package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// floodHop is one SMS hop under limit: the load, and for an allowed message
// the commit that counts it. It returns the load's verdict.
func floodHop(t *testing.T, s *redisstore.Store, p msg.PersonID, limit msg.Rate) msg.FloodVerdict {
	t.Helper()
	ctx := context.Background()
	c, err := s.LoadHop(ctx, p, msg.HopLoad{Flood: limit})
	if err != nil {
		t.Fatal(err)
	}
	if c.Flood != msg.FloodAllowed {
		return c.Flood
	}
	if c.FloodMark.Value == "" {
		t.Fatal("an allowed message without its flood mark")
	}
	if err := s.Commit(ctx, p, msg.Change{Version: c.Version, State: []byte("s"), FloodMark: c.FloodMark}); err != nil {
		t.Fatal(err)
	}
	return c.Flood
}

func TestFlood(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	limit := msg.Rate{Limit: 3, Period: time.Minute}
	p := person(60)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	want := []msg.FloodVerdict{msg.FloodAllowed, msg.FloodAllowed, msg.FloodAllowed, msg.FloodNotice, msg.FloodSilent, msg.FloodSilent}
	for i, w := range want {
		if got := floodHop(t, s, p, limit); got != w {
			t.Fatalf("message %d: verdict %d, want %d", i, got, w)
		}
	}
	// Another person is not slowed by the first.
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), person(61)) })
	if floodHop(t, s, person(61), limit) != msg.FloodAllowed {
		t.Fatal("another person refused")
	}
	// Erasure removes the counters.
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if floodHop(t, s, p, limit) != msg.FloodAllowed {
		t.Fatal("counter kept through erasure")
	}
}

// TestFloodCountsAtCommit: a message counts when its hop commits, once: a
// load alone, a commit that lost its compare-and-set and an erasure count
// nothing; two messages loaded at once count one after the other.
func TestFloodCountsAtCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	limit := msg.Rate{Limit: 2, Period: time.Hour}
	p := person(63)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	load := func() msg.Conversation {
		t.Helper()
		c, err := s.LoadHop(ctx, p, msg.HopLoad{Flood: limit})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for range 5 {
		if c := load(); c.Flood != msg.FloodAllowed {
			t.Fatalf("a load without a commit was counted: %+v", c)
		}
	}
	// Two messages at once: both read the same count; the first commit
	// wins, the second fails and its next load reads the first's count.
	a, b := load(), load()
	if err := s.Commit(ctx, p, msg.Change{Version: a.Version, State: []byte("a"), FloodMark: a.FloodMark}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: b.Version, State: []byte("b"), FloodMark: b.FloodMark}); !errors.Is(err, msg.ErrConflict) {
		t.Fatalf("second commit: %v, want a conflict", err)
	}
	if floodHop(t, s, p, limit) != msg.FloodAllowed {
		t.Fatal("the second message, counted again, was refused: the lost commit counted")
	}
	if floodHop(t, s, p, limit) != msg.FloodNotice {
		t.Fatal("a third message within the limit of two")
	}
	key := "rate:" + pfx + "flood:{" + string(p) + "}"
	if ttl := rdb.PTTL(ctx, key).Val(); ttl <= 0 || ttl > time.Hour+time.Second {
		t.Fatalf("flood state ttl %v, want within the period", ttl)
	}
	// An erasure's commit leaves no flood state behind.
	c, err := s.Load(ctx, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: c.Version, FloodMark: msg.FloodMark{Value: "1", TTL: time.Hour},
		Effects: msg.Effects{Erase: true}}); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, key).Val(); n != 0 {
		t.Fatal("flood state written by an erasure")
	}
}

// TestFloodLoad: the load under a flood limit reads what Load reads, and a
// provider retry answered from the cache is not counted.
func TestFloodLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(62)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	ch := msg.Change{State: []byte("st"), Lang: msg.English, Dedupe: "twilio|m|SM1", Reply: []byte("r1"),
		Effects: msg.Effects{Quota: map[string]string{"sms_page": "1:2"}, QuotaTTL: time.Hour}}
	if err := s.Commit(ctx, p, ch); err != nil {
		t.Fatal(err)
	}
	limit := msg.Rate{Limit: 1, Period: time.Hour}
	for i := 0; i < 3; i++ {
		c, err := s.LoadHop(ctx, p, msg.HopLoad{Dedupe: "twilio|m|SM1", Flood: limit})
		if err != nil || string(c.Reply) != "r1" || c.Flood != msg.FloodAllowed || c.FloodMark.Value != "" {
			t.Fatalf("retry %d: %+v %v", i, c, err)
		}
	}
	plain, err := s.Load(ctx, p, "twilio|m|SM2")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.LoadHop(ctx, p, msg.HopLoad{Dedupe: "twilio|m|SM2", Flood: limit})
	if err != nil || c.Flood != msg.FloodAllowed || c.Version != 1 || string(c.State) != "st" || c.Lang != msg.English ||
		c.Quota["sms_page"] != "1:2" || len(c.Quota) != 1 || c.Reply != nil {
		t.Fatalf("first message: %+v %v", c, err)
	}
	if c.Version != plain.Version || string(c.State) != string(plain.State) || c.Lang != plain.Lang ||
		c.RegRef != plain.RegRef || c.CampaignReply != plain.CampaignReply || len(c.Quota) != len(plain.Quota) {
		t.Fatalf("LoadHop %+v, Load %+v", c, plain)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: c.Version, State: []byte("st2"), FloodMark: c.FloodMark}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.LoadHop(ctx, p, msg.HopLoad{Dedupe: "twilio|m|SM3", Flood: limit}); c.Flood != msg.FloodNotice || c.State != nil {
		t.Fatalf("second message: %+v", c)
	}
}

// TestFloodLoadWithWindow: an SMS load under a flood limit with a campaign
// reply window open reads both, each where it belongs (on one node they
// come back in the conversation's MGET).
func TestFloodLoadWithWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	p := person(64)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	const window = "c9|survey|q1|1796000000000"
	if err := rdb.Set(ctx, pfx+"cr:{g}:"+string(p), window, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	limit := msg.Rate{Limit: 1, Period: time.Hour}
	load := func(sid string) msg.Conversation {
		t.Helper()
		c, err := s.LoadHop(ctx, p, msg.HopLoad{Dedupe: "twilio|m|" + sid, Flood: limit})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := load("SW1")
	if c.Flood != msg.FloodAllowed || c.FloodMark.Value == "" || c.CampaignReply != window {
		t.Fatalf("first message: %+v", c)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: c.Version, State: []byte("s"), FloodMark: c.FloodMark}); err != nil {
		t.Fatal(err)
	}
	if c := load("SW2"); c.Flood != msg.FloodNotice {
		t.Fatalf("second message within a limit of one: %+v", c)
	}
}
