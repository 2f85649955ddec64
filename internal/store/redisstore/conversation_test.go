package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

func TestLoadNothing(t *testing.T) {
	t.Parallel()
	s, _, _ := mustStore(t)
	c, err := s.Load(context.Background(), person(1), "hop-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != nil || c.Version != 0 || c.Lang != "" || c.Reply != nil {
		t.Fatalf("Load of nothing = %+v, want zero", c)
	}
}

func TestCommitThenLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(2)
	if err := s.Commit(ctx, p, msg.Change{State: []byte("s1"), StateTTL: time.Hour, Lang: msg.English}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Load(ctx, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if string(c.State) != "s1" || c.Version != 1 || c.Lang != msg.English || c.Reply != nil {
		t.Fatalf("Load = %+v", c)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: 1, State: []byte{}, StateTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if c, _ = s.Load(ctx, p, ""); c.State == nil || len(c.State) != 0 || c.Version != 2 || c.Lang != msg.English {
		t.Fatalf("Load after empty state = %+v", c)
	}
	// A nil state deletes the conversation; the language stays.
	if err := s.Commit(ctx, p, msg.Change{Version: 2}); err != nil {
		t.Fatal(err)
	}
	if c, _ = s.Load(ctx, p, ""); c.State != nil || c.Version != 0 || c.Lang != msg.English {
		t.Fatalf("Load after delete = %+v", c)
	}
}

func TestCommitConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(3)
	if err := s.Commit(ctx, p, msg.Change{State: []byte("first"), StateTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	stale := msg.Change{
		Version: 0, State: []byte("second"), StateTTL: time.Hour, Lang: msg.English,
		Dedupe: "hop-2", Reply: []byte("reply-2"), DedupeTTL: time.Minute,
		Registration: registration(3, "REF3", time.Now()),
	}
	if err := s.Commit(ctx, p, stale); !errors.Is(err, msg.ErrConflict) {
		t.Fatalf("stale Commit err = %v, want ErrConflict", err)
	}
	c, err := s.Load(ctx, p, "hop-2")
	if err != nil {
		t.Fatal(err)
	}
	if string(c.State) != "first" || c.Version != 1 || c.Lang != "" || c.Reply != nil {
		t.Fatalf("Load after conflict = %+v: the stale change was written", c)
	}
	if _, err := s.Registration(ctx, "REF3"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("registration after conflict: err = %v", err)
	}
	// A version ahead of the stored one conflicts too.
	if err := s.Commit(ctx, p, msg.Change{Version: 5, State: []byte("x")}); !errors.Is(err, msg.ErrConflict) {
		t.Fatalf("future version err = %v", err)
	}
}

func TestDedupeHit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(4)
	ch := msg.Change{State: []byte("s"), StateTTL: time.Hour, Dedupe: "sess-1|1*2", Reply: []byte("CON menu"), DedupeTTL: time.Minute}
	if err := s.Commit(ctx, p, ch); err != nil {
		t.Fatal(err)
	}
	c, err := s.Load(ctx, p, "sess-1|1*2")
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Reply) != "CON menu" || c.State != nil {
		t.Fatalf("dedupe hit = %+v", c)
	}
	c, err = s.Load(ctx, p, "sess-1|1*2*3")
	if err != nil {
		t.Fatal(err)
	}
	if c.Reply != nil || string(c.State) != "s" || c.Version != 1 {
		t.Fatalf("dedupe miss = %+v", c)
	}
}

func TestTTLs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	p := person(5)
	ch := msg.Change{State: []byte("s"), StateTTL: 10 * time.Minute, Lang: msg.French,
		Dedupe: "d", Reply: []byte("r"), DedupeTTL: time.Minute}
	if err := s.Commit(ctx, p, ch); err != nil {
		t.Fatal(err)
	}
	check := func(key string, maxTTL time.Duration) {
		t.Helper()
		ttl, err := rdb.PTTL(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ttl <= 0 || ttl > maxTTL {
			t.Errorf("PTTL %s = %v, want in (0, %v]", key, ttl, maxTTL)
		}
	}
	check(prefix+"conv:{"+string(p)+"}", 10*time.Minute)
	check(prefix+"person:{"+string(p)+"}", redisstore.PersonTTL)
	var dd []string
	for _, k := range scanKeys(t, rdb, prefix+"dd:") {
		dd = append(dd, k)
		check(k, time.Minute)
	}
	if len(dd) != 1 {
		t.Fatalf("dd keys = %v, want one", dd)
	}
	// Zero TTLs take the defaults: nothing is kept forever.
	p2 := person(6)
	if err := s.Commit(ctx, p2, msg.Change{State: []byte("s"), Dedupe: "d", Reply: []byte("r")}); err != nil {
		t.Fatal(err)
	}
	check(prefix+"conv:{"+string(p2)+"}", redisstore.DefaultStateTTL)
	for _, k := range scanKeys(t, rdb, prefix+"dd:{"+string(p2)) {
		check(k, redisstore.DefaultDedupeTTL)
	}
}

func TestConcurrentCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(7)
	for round := range 50 {
		c, err := s.Load(ctx, p, "")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				errs[i] = s.Commit(ctx, p, msg.Change{Version: c.Version, State: []byte{byte(i)}, StateTTL: time.Hour})
			})
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, msg.ErrConflict):
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d commits succeeded, %d conflicted; want 1 and 1", round, ok, conflicts)
		}
		after, _ := s.Load(ctx, p, "")
		if after.Version != c.Version+1 {
			t.Fatalf("round %d: version %d, want %d", round, after.Version, c.Version+1)
		}
	}
}

func TestRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb, prefix := mustStore(t)
	hook := &roundTrips{}
	rdb.AddHook(hook)
	s := redisstore.New(rdb, prefix)
	p := person(8)
	hop := func(i int) {
		c, err := s.Load(ctx, p, "hop")
		if err != nil {
			t.Fatal(err)
		}
		ch := msg.Change{Version: c.Version, State: []byte("state"), StateTTL: time.Hour,
			Lang: msg.French, Dedupe: "hop" + string(rune('a'+i)), Reply: []byte("CON x"), DedupeTTL: time.Minute}
		if err := s.Commit(ctx, p, ch); err != nil {
			t.Fatal(err)
		}
	}
	hop(0) // scripts reach the server's cache (EVALSHA miss → EVAL) at most once
	hook.n.Store(0)
	hop(1)
	if n := hook.n.Load(); n != 2 {
		t.Fatalf("Load+Commit = %d round trips, want 2", n)
	}
}
