package redisstore

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// gate holds the first pipeline until it is opened, and counts the
// pipelines of the callers' commands.
type gate struct {
	open      chan struct{}
	held      atomic.Bool
	pipelines atomic.Int64
}

func (g *gate) DialHook(next redis.DialHook) redis.DialHook { return next }
func (g *gate) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return next
}
func (g *gate) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if cmds[0].Name() == "set" { // not a connection's set-up (HELLO, CLIENT)
			g.pipelines.Add(1)
		}
		if cmds[0].Name() == "set" && g.held.CompareAndSwap(false, true) {
			<-g.open
		}
		return next(ctx, cmds)
	}
}

// TestBatcherSharesPipelines: callers that queue while a batch is on the
// wire leave together in the next pipeline, and each gets its own replies
// and errors (a WRONGTYPE for one does not touch the others).
func TestBatcherSharesPipelines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	pfx := redistest.Prefix(t, rdb)
	if err := rdb.HSet(ctx, pfx+"hash", "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	g := &gate{open: make(chan struct{})}
	rdb.AddHook(g)
	b := newBatcher(rdb, 1)
	const callers = 100
	var wg sync.WaitGroup
	errs := make([]error, callers)
	got := make([]string, callers)
	call := func(i int) {
		defer wg.Done()
		key := pfx + "k" + strconv.Itoa(i)
		if i%10 == 9 {
			key = pfx + "hash" // GET of a hash: WRONGTYPE, this caller's alone
		}
		set := redis.NewStatusCmd(ctx, "set", pfx+"s"+strconv.Itoa(i), i)
		get := redis.NewStringCmd(ctx, "get", key)
		if err := b.do(ctx, set, get); err != nil {
			errs[i] = err
			return
		}
		if err := set.Err(); err != nil {
			errs[i] = err
			return
		}
		got[i], errs[i] = get.Result()
	}
	// The first caller's batch is held on the wire until every other
	// caller has queued behind it.
	wg.Add(callers)
	go call(0)
	wait := func(what string, done func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !done() {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: %d queued", what, len(b.reqs))
			}
			time.Sleep(time.Millisecond)
		}
	}
	wait("the first batch", g.held.Load)
	for i := 1; i < callers; i++ {
		go call(i)
	}
	wait("the other callers", func() bool { return len(b.reqs) == callers-1 })
	close(g.open)
	wg.Wait()
	for i := range callers {
		switch {
		case i%10 == 9:
			if errs[i] == nil || !strings.Contains(errs[i].Error(), "WRONGTYPE") {
				t.Errorf("caller %d: %v, want its own WRONGTYPE", i, errs[i])
			}
		case !errors.Is(errs[i], redis.Nil):
			t.Errorf("caller %d: %q, %v, want its own redis.Nil", i, got[i], errs[i])
		}
		if v := rdb.Get(ctx, pfx+"s"+strconv.Itoa(i)).Val(); v != strconv.Itoa(i) {
			t.Errorf("caller %d's SET: %q", i, v)
		}
	}
	if n := g.pipelines.Load(); n != 2 {
		t.Fatalf("%d pipelines for %d callers, want 2 (one held, the rest together)", n, callers)
	}
}

// gatedBatcher is a batcher of one worker over a client whose first
// pipeline of SETs is held until the gate opens, and the test's key prefix.
func gatedBatcher(t *testing.T) (*batcher, *gate, string) {
	rdb := redistest.Client(t)
	pfx := redistest.Prefix(t, rdb)
	g := &gate{open: make(chan struct{})}
	rdb.AddHook(g)
	return newBatcher(rdb, 1), g, pfx
}

// TestBatcherCallerGivesUp: a caller whose context ends while its batch
// is on the wire gets its context's error at once; the batch still runs,
// and the next caller is served.
func TestBatcherCallerGivesUp(t *testing.T) {
	t.Parallel()
	b, g, pfx := gatedBatcher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	set := redis.NewStatusCmd(ctx, "set", pfx+"late", "1")
	if err := b.do(ctx, set); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("do: %v, want the deadline", err)
	}
	close(g.open)
	get := redis.NewStringCmd(context.Background(), "get", pfx+"late")
	if err := b.do(context.Background(), get); err != nil || get.Val() != "1" {
		t.Fatalf("next caller: %q, %v, %v (the abandoned SET runs first)", get.Val(), err, get.Err())
	}
}

// TestBatcherWorkersStopWhenIdle: an idle worker stops, and the next
// caller starts one again.
func TestBatcherWorkersStopWhenIdle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	b := newBatcher(rdb, 2)
	b.idle = 20 * time.Millisecond
	for round := range 3 {
		ping := redis.NewStatusCmd(ctx, "ping")
		if err := b.do(ctx, ping); err != nil || ping.Val() != "PONG" {
			t.Fatalf("round %d: %q, %v", round, ping.Val(), err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for b.running.Load() != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d workers still running", round, b.running.Load())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestBatcherDropsWhatWasGivenUp: commands whose caller gave up before
// their batch was made are not sent, as go-redis sends nothing for a
// context that ended: a queued caller whose deadline passes while the
// batch ahead is on the wire, and a caller whose context ended before it
// called.
func TestBatcherDropsWhatWasGivenUp(t *testing.T) {
	t.Parallel()
	b, g, pfx := gatedBatcher(t)
	ahead := make(chan error)
	go func() { // the one worker's batch, held on the wire
		ahead <- b.do(context.Background(), redis.NewStatusCmd(context.Background(), "set", pfx+"ahead", "1"))
	}()
	for !g.held.Load() {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.do(ctx, redis.NewStatusCmd(ctx, "set", pfx+"queued", "1")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queued caller: %v, want the deadline", err)
	}
	gone, stop := context.WithCancel(context.Background())
	stop()
	if err := b.do(gone, redis.NewStatusCmd(gone, "set", pfx+"gone", "1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("caller whose context ended: %v", err)
	}
	close(g.open)
	if err := <-ahead; err != nil {
		t.Fatal(err)
	}
	// The next batch follows whatever was left queued.
	// (GETs, not one MGET: the keys may live on three Cluster nodes.)
	ctx = context.Background()
	gets := []*redis.StringCmd{redis.NewStringCmd(ctx, "get", pfx+"ahead"), redis.NewStringCmd(ctx, "get", pfx+"queued"),
		redis.NewStringCmd(ctx, "get", pfx+"gone")}
	if err := b.do(ctx, gets[0], gets[1], gets[2]); err != nil {
		t.Fatal(err)
	}
	if gets[0].Val() != "1" || !errors.Is(gets[1].Err(), redis.Nil) || !errors.Is(gets[2].Err(), redis.Nil) {
		t.Fatalf("ahead, queued, gone = %q %v, %q %v, %q %v, want 1 and nothing else",
			gets[0].Val(), gets[0].Err(), gets[1].Val(), gets[1].Err(), gets[2].Val(), gets[2].Err())
	}
}
