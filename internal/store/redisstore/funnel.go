package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Staff's funnel (the nodes conversations reached, where sessions stopped)
// is added up in the gateway and written to stats:{g} at most FunnelEvery
// after the hop, in one pipeline of HINCRBY, rather than by every hop's
// commit: one command less a hop on one node, and one round trip less a
// hop on a Cluster, where the counts live in another slot than the
// person's. The counts are totals for staff, not anybody's data nor a
// guarantee of the hop: a gateway that dies (SIGKILL) loses at most the
// last FunnelEvery of them; one that stops (Close) writes them first, and
// Stats writes this process's before it reads.

// FunnelEvery is how long a funnel count waits in the gateway before it is
// written.
const FunnelEvery = time.Second

// funnel holds the counts not yet written. Safe for concurrent use.
type funnel struct {
	// wmu is held through a write, so that Close waits for one under way
	// (and then writes what it gave back on failure).
	wmu     sync.Mutex
	mu      sync.Mutex
	pending map[string]nodeCounts // by node ("flow:node")
	timer   *time.Timer
	closed  bool
	// every is how long a count waits (FunnelEvery when zero; never by
	// itself when negative: at Stats or Close only).
	every time.Duration
	// write adds counts to the stored funnel.
	write func(ctx context.Context, counts map[string]int64) error
	// failed reports a write that failed (its counts are kept for the next).
	failed func(err error)
}

// nodeCounts are one node's counts not yet written.
type nodeCounts struct{ reached, abandoned int64 }

// add counts a hop's node reached and node abandoned ("" for none), and
// arms the write. The nodes' names are the flows' own strings: counting
// allocates nothing once a node was seen (the stored field names are made
// at the write).
func (f *funnel) add(reached, abandoned string) {
	if reached == "" && abandoned == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		f.pending = make(map[string]nodeCounts)
	}
	if reached != "" {
		c := f.pending[reached]
		c.reached++
		f.pending[reached] = c
	}
	if abandoned != "" {
		c := f.pending[abandoned]
		c.abandoned++
		f.pending[abandoned] = c
	}
	f.armLocked()
}

// armLocked starts the timer of the next write unless it runs or the
// funnel is closed (then Close writes). f.mu is held.
func (f *funnel) armLocked() {
	if f.timer != nil || f.closed || len(f.pending) == 0 || f.every < 0 {
		return
	}
	every := f.every
	if every == 0 {
		every = FunnelEvery
	}
	f.timer = time.AfterFunc(every, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f.mu.Lock()
		f.timer = nil
		f.mu.Unlock()
		if err := f.flush(ctx); err != nil && f.failed != nil {
			f.failed(err)
		}
		f.mu.Lock()
		f.armLocked() // counts kept after a failure, or added meanwhile
		f.mu.Unlock()
	})
}

// flush writes the pending counts. Counts that could not be written are
// kept for the next write. It returns the store's error (wrapped).
func (f *funnel) flush(ctx context.Context) error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	f.mu.Lock()
	nodes := f.pending
	f.pending = nil
	f.mu.Unlock()
	if len(nodes) == 0 {
		return nil
	}
	counts := make(map[string]int64, 2*len(nodes))
	for node, c := range nodes {
		if c.reached > 0 {
			counts["reached|"+node] = c.reached
		}
		if c.abandoned > 0 {
			counts["abandoned|"+node] = c.abandoned
		}
	}
	if err := f.write(ctx, counts); err != nil {
		f.mu.Lock()
		if f.pending == nil {
			f.pending = make(map[string]nodeCounts, len(nodes))
		}
		for node, c := range nodes {
			p := f.pending[node]
			p.reached += c.reached
			p.abandoned += c.abandoned
			f.pending[node] = p
		}
		f.mu.Unlock()
		return err
	}
	return nil
}

// discard drops the counts not yet written.
func (f *funnel) discard() {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	f.mu.Lock()
	f.pending = nil
	f.mu.Unlock()
}

// close stops the timer and writes what is pending, after a write under
// way. It returns the store's error (wrapped). A count added after close
// is not written: the store's hops have stopped by then.
func (f *funnel) close(ctx context.Context) error {
	f.mu.Lock()
	f.closed = true
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	f.mu.Unlock()
	return f.flush(ctx)
}

// writeFunnel adds counts to stats:{g} in one round trip.
func (s *Store) writeFunnel(ctx context.Context, counts map[string]int64) error {
	// MULTI/EXEC: all the counts or none, so that a failed write is kept
	// whole for the next (one whose answer was lost may count twice).
	_, err := s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		for field, n := range counts {
			pipe.HIncrBy(ctx, s.keys.stats(), field, n)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("error writing the funnel's counts: %w", err)
	}
	return nil
}

// WithFunnelEvery sets how long a funnel count waits in the process before
// it is written: zero keeps FunnelEvery; a negative value writes counts
// only when Stats or Close is called (tests that compare a
// store's keys before and after a hop). It returns s.
func (s *Store) WithFunnelEvery(d time.Duration) *Store {
	s.funnel.mu.Lock()
	s.funnel.every = d
	s.funnel.mu.Unlock()
	return s
}
