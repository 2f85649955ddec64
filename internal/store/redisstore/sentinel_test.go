package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redisproc"
)

// TestSentinelFailover: a store reaching Redis through Sentinel commits a
// hop with its effects, the sentinels promote the replica, and the store
// follows: the state written before is there, and the next commits go to
// the new master.
func TestSentinelFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts five redis-server processes")
	}
	t.Parallel()
	top := redisproc.StartSentinel(t)
	ctx := context.Background()
	s, err := redisstore.Open(ctx, redisstore.Options{URL: "redis://ignored:6379/0", Prefix: "s:",
		SentinelMaster: top.Master, Sentinels: top.Sentinels})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	p := person(90)
	c := msg.Change{Version: 0, State: []byte("one"), Effects: msg.Effects{OptOut: msg.OptedOut}}
	if err := s.Commit(ctx, p, c); err != nil {
		t.Fatal(err)
	}
	// Let the replica catch up, then fail over.
	time.Sleep(300 * time.Millisecond)
	before, _ := top.MasterAddr(ctx)
	top.Failover(t)
	after, _ := top.MasterAddr(ctx)
	t.Logf("master %s, then %s", before, after)
	var conv msg.Conversation
	deadline := time.Now().Add(15 * time.Second)
	for {
		conv, err = s.Load(ctx, p, "")
		if err == nil {
			err = s.Commit(ctx, p, msg.Change{Version: conv.Version, State: []byte("two")})
		}
		if err == nil {
			break
		}
		if errors.Is(err, msg.ErrConflict) || time.Now().After(deadline) {
			t.Fatalf("after the failover: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // the client finds the new master
	}
	if string(conv.State) != "one" {
		t.Fatalf("state before the failover: %q", conv.State)
	}
	if out, err := s.OptedOut(ctx, p); err != nil || !out {
		t.Fatalf("opt-out committed before the failover: %v, %v", out, err)
	}
	got, err := s.Load(ctx, p, "")
	if err != nil || string(got.State) != "two" || got.Version != 2 {
		t.Fatalf("after: %+v, %v", got, err)
	}
	if strings.Contains(after, before) {
		t.Fatal("no failover happened")
	}
}
