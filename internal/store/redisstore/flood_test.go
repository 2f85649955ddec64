package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestFlood(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	limit := msg.Rate{Limit: 3, Period: time.Minute}
	p := person(60)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	allow := func(p msg.PersonID) msg.FloodVerdict {
		t.Helper()
		c, err := s.LoadHop(ctx, p, msg.HopLoad{Flood: limit})
		if err != nil {
			t.Fatal(err)
		}
		return c.Flood
	}
	want := []msg.FloodVerdict{msg.FloodAllowed, msg.FloodAllowed, msg.FloodAllowed, msg.FloodNotice, msg.FloodSilent, msg.FloodSilent}
	for i, w := range want {
		if got := allow(p); got != w {
			t.Fatalf("message %d: verdict %d, want %d", i, got, w)
		}
	}
	// Another person is not slowed by the first.
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), person(61)) })
	if allow(person(61)) != msg.FloodAllowed {
		t.Fatal("another person refused")
	}
	// Erasure removes the counters.
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if allow(p) != msg.FloodAllowed {
		t.Fatal("counter kept through erasure")
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
		if err != nil || string(c.Reply) != "r1" || c.Flood != msg.FloodAllowed {
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
	if c, _ := s.LoadHop(ctx, p, msg.HopLoad{Dedupe: "twilio|m|SM3", Flood: limit}); c.Flood != msg.FloodNotice || c.State != nil {
		t.Fatalf("second message: %+v", c)
	}
}
