package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestFunnelWrittenWithinASecond: a hop's funnel count reaches Redis by
// itself, within FunnelEvery (waited for generously), without a Stats
// call; Stats counts what this process holds; Close writes what is pending
// at once.
func TestFunnelWrittenWithinASecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb, pfx := mustStore(t)
	s := redisstore.New(redistest.Client(t), pfx).WithSplitCommit(splitCommit())
	stats := pfx + "stats:{g}"
	p := person(70)
	t.Cleanup(func() { _ = redisstore.New(rdb, pfx).DeletePerson(context.Background(), p) })
	commit := func(version int64, reached, abandoned string) {
		t.Helper()
		if err := s.Commit(ctx, p, msg.Change{Version: version, State: []byte("s"), Reached: reached, Abandoned: abandoned}); err != nil {
			t.Fatal(err)
		}
	}
	commit(0, "t1:n", "")
	deadline := time.Now().Add(10 * redisstore.FunnelEvery)
	for rdb.HGet(ctx, stats, "reached|t1:n").Val() != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the funnel's count was not written by its timer")
		}
		time.Sleep(20 * time.Millisecond)
	}
	commit(1, "t1:n", "t1:m")
	st, err := s.Stats(ctx)
	if err != nil || st.Flows["t1"]["n"].Reached != 2 || st.Flows["t1"]["m"].Abandoned != 1 {
		t.Fatalf("Stats: %+v, %v", st.Flows, err)
	}
	commit(2, "t1:n", "")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if v := rdb.HGet(ctx, stats, "reached|t1:n").Val(); v != "3" {
		t.Fatalf("after Close: reached %s, want 3", v)
	}
}
