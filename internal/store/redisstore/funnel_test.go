package redisstore

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"
)

// TestFunnelKeepsCountsOfAFailedWrite: counts added up, a failed write
// keeps them whole for the next, close writes what is pending and arms
// nothing more.
func TestFunnelKeepsCountsOfAFailedWrite(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	stored := map[string]int64{}
	fail := true
	f := &funnel{write: func(_ context.Context, c map[string]int64) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("down")
		}
		for k, n := range c {
			stored[k] += n
		}
		return nil
	}}
	ctx := context.Background()
	f.add("main:a", "")
	f.add("main:a", "main:b")
	f.add("", "")
	if err := f.flush(ctx); err == nil {
		t.Fatal("a failed write reported none")
	}
	f.add("main:c", "")
	mu.Lock()
	fail = false
	mu.Unlock()
	if err := f.close(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"reached|main:a": 2, "abandoned|main:b": 1, "reached|main:c": 1}
	mu.Lock()
	got := maps.Clone(stored)
	mu.Unlock()
	if !maps.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
	f.mu.Lock()
	armed := f.timer != nil
	f.mu.Unlock()
	if armed {
		t.Fatal("a timer left armed after close")
	}
}

// TestFunnelCloseWaitsForAWrite: Close during a write under way waits for
// it, and writes what that write gave back when it failed.
func TestFunnelCloseWaitsForAWrite(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	stored, calls := map[string]int64{}, 0
	f := &funnel{write: func(_ context.Context, c map[string]int64) error {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			close(entered)
			<-release
			return errors.New("connection closed")
		}
		mu.Lock()
		defer mu.Unlock()
		for k, n := range c {
			stored[k] += n
		}
		return nil
	}}
	ctx := context.Background()
	f.add("main:a", "")
	go func() { _ = f.flush(ctx) }() // the timer's write
	<-entered
	closed := make(chan error)
	go func() { closed <- f.close(ctx) }()
	select {
	case err := <-closed:
		t.Fatalf("close returned (%v) during a write", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if stored["reached|main:a"] != 1 {
		t.Fatalf("stored %v after close, want the count the failed write gave back", stored)
	}
}

// TestFunnelAddAllocatesNothing: a hop's count of a node already seen
// allocates nothing (the stored field names are made at the write).
func TestFunnelAddAllocatesNothing(t *testing.T) {
	f := &funnel{every: -1, write: func(context.Context, map[string]int64) error { return nil }}
	f.add("main:a", "main:b")
	if n := testing.AllocsPerRun(100, func() { f.add("main:a", "main:b") }); n != 0 {
		t.Fatalf("%v allocations a count", n)
	}
}
