package deadline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

type key struct{}

// TestEndsAtDeadline: the context ends with DeadlineExceeded within a Tick
// or so of its deadline, which Deadline gives exactly; values come from
// the parent.
func TestEndsAtDeadline(t *testing.T) {
	parent := context.WithValue(context.Background(), key{}, "v")
	start := time.Now()
	c := New(parent, 30*time.Millisecond)
	defer c.Stop()
	if d, ok := c.Deadline(); !ok || d.Before(start.Add(30*time.Millisecond)) || d.After(time.Now().Add(30*time.Millisecond)) {
		t.Fatalf("Deadline %v %v", d, ok)
	}
	if c.Value(key{}) != "v" {
		t.Fatal("the parent's value is lost")
	}
	if c.Err() != nil {
		t.Fatalf("Err before the deadline: %v", c.Err())
	}
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done never closed")
	}
	if since := time.Since(start); since < 30*time.Millisecond {
		t.Fatalf("ended after %v, before its deadline", since)
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err %v, want DeadlineExceeded", c.Err())
	}
	c.Stop() // after the end: changes nothing
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err after Stop %v, want DeadlineExceeded", c.Err())
	}
}

// TestStop: Stop ends the context with Canceled, whether Done was asked
// for before or after; a context that never reached its deadline leaves
// the reaper's list.
func TestStop(t *testing.T) {
	for _, doneFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "done after", true: "done before"}[doneFirst], func(t *testing.T) {
			c := New(context.Background(), time.Hour)
			var done <-chan struct{}
			if doneFirst {
				done = c.Done()
			}
			c.Stop()
			if !doneFirst {
				done = c.Done()
			}
			select {
			case <-done:
			default:
				t.Fatal("Done open after Stop")
			}
			if !errors.Is(c.Err(), context.Canceled) {
				t.Fatalf("Err %v, want Canceled", c.Err())
			}
			if c.at != -1 {
				t.Fatal("a stopped context is still in the reaper's list")
			}
		})
	}
}

// TestPastDeadline: a deadline already passed gives an ended context.
func TestPastDeadline(t *testing.T) {
	c := New(context.Background(), 0)
	defer c.Stop()
	select {
	case <-c.Done():
	default:
		t.Fatal("a context past its deadline is not done")
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err %v", c.Err())
	}
}

// TestParentThatEnds: a parent that can end is followed (a plain
// context.WithDeadline underneath).
func TestParentThatEnds(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	c := New(parent, time.Hour)
	defer c.Stop()
	cancel()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the parent's end did not reach the context")
	}
	if !errors.Is(c.Err(), context.Canceled) {
		t.Fatalf("Err %v", c.Err())
	}
	if _, ok := c.Deadline(); !ok {
		t.Fatal("no deadline")
	}
}

// TestConcurrent: contexts made, expired and stopped from many goroutines
// at once each end once, with the right error (run with -race).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				short := (g+i)%3 == 0
				d := time.Hour
				if short {
					d = time.Millisecond
				}
				c := New(context.Background(), d)
				if short {
					<-c.Done()
					if !errors.Is(c.Err(), context.DeadlineExceeded) {
						t.Errorf("Err %v, want DeadlineExceeded", c.Err())
					}
				}
				c.Stop()
				if c.Err() == nil {
					t.Error("not ended after Stop")
				}
			}
		}()
	}
	wg.Wait()
}

// TestReaperStopsWhenIdle: the reaper's goroutine stops once no context
// has lived for idleTicks, and starts again for the next one.
func TestReaperStopsWhenIdle(t *testing.T) {
	New(context.Background(), time.Hour).Stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		reap.mu.Lock()
		running := reap.running
		reap.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reaper never stopped")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c := New(context.Background(), 20*time.Millisecond)
	defer c.Stop()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the reaper did not start again")
	}
}

// TestAllocations: a request's context costs one allocation, and its Done
// channel one more.
func TestAllocations(t *testing.T) {
	keep := New(context.Background(), time.Hour) // keeps the reaper running
	defer keep.Stop()
	got := testing.AllocsPerRun(1000, func() {
		c := New(context.Background(), time.Second)
		_ = c.Done()
		c.Stop()
	})
	if got > 2 {
		t.Fatalf("%.1f allocations, want at most 2", got)
	}
}

// TestErrAtDeadline: once the deadline has passed, Err and Done say so at
// once, without waiting for the reaper's tick (go-redis looks at Err when
// the deadline it reads is past).
func TestErrAtDeadline(t *testing.T) {
	for _, doneFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "err", true: "done"}[doneFirst], func(t *testing.T) {
			// Not in the reaper's list: only the clock can end c.
			c := &Ctx{Context: context.Background(), deadline: time.Now().Add(time.Millisecond), at: -1}
			time.Sleep(2 * time.Millisecond)
			var done <-chan struct{}
			if doneFirst {
				done = c.Done()
			}
			err := c.Err()
			if !doneFirst {
				done = c.Done()
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Err past the deadline: %v", err)
			}
			select {
			case <-done:
			default:
				t.Fatal("Done open past the deadline")
			}
		})
	}
}
