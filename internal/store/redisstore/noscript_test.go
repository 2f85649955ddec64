package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redisproc"
)

// TestLoadFloodAfterScriptFlush: a Redis that lost its scripts (a restart,
// a failover) still serves the flood-limited load (plain reads) and the
// commit that counts the message, once; and a shared read that fails is
// the load's failure, not an empty answer. On a server of the test's own:
// SCRIPT FLUSH would disturb the other tests' round-trip counts.
func TestLoadFloodAfterScriptFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a redis-server")
	}
	t.Parallel()
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: redisproc.StartServer(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	s := redisstore.New(rdb, "n:")
	p := person(908)
	if err := s.Commit(ctx, p, msg.Change{State: []byte("a"), Registration: registration(908, "RFLUSH", time.Now())}); err != nil {
		t.Fatal(err)
	}
	limit := msg.Rate{Limit: 5, Period: time.Minute}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	c, err := s.LoadHop(ctx, p, msg.HopLoad{Dedupe: "twilio|m|F1", Flood: limit})
	if err != nil || c.RegRef != "RFLUSH" || c.Version != 1 || c.Flood != msg.FloodAllowed {
		t.Fatalf("load after SCRIPT FLUSH: %+v, %v", c, err)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: c.Version, State: []byte("b"), FloodMark: c.FloodMark}); err != nil {
		t.Fatalf("commit after SCRIPT FLUSH: %v", err)
	}
	// Four more fit the limit of five: the first was counted once.
	for i := range 4 {
		if i == 2 {
			rdb.ScriptFlush(ctx)
		}
		if v := floodHop(t, s, p, limit); v != msg.FloodAllowed {
			t.Fatalf("message %d: %v", i+2, v)
		}
	}
	if floodHop(t, s, p, limit) == msg.FloodAllowed {
		t.Fatal("the sixth message passed the limit of five")
	}
	// A quota record of the wrong type, for a person not registered and
	// after the scripts were lost: every command's error is looked at. A
	// reply window of the wrong type reads as none (MGET), as a
	// conversation key of another type does.
	q := person(909)
	rdb.HSet(ctx, "n:cr:{g}:"+string(q), "x", "y")
	if c, err := s.LoadHop(ctx, q, msg.HopLoad{Flood: limit}); err != nil || c.CampaignReply != "" {
		t.Fatalf("a reply window of the wrong type: %+v, %v", c, err)
	}
	rdb.Set(ctx, "n:quota:{"+string(q)+"}", "x", 0)
	for _, flush := range []bool{false, true} {
		if flush {
			rdb.ScriptFlush(ctx)
		}
		if c, err := s.LoadHop(ctx, q, msg.HopLoad{Flood: limit}); err == nil {
			t.Fatalf("a failed shared read gave an answer (scripts flushed: %v): %+v", flush, c)
		}
	}
}
