// Package deadline gives a request a context that ends at a deadline,
// cheaper than context.WithTimeout on a hot path: one allocation and no
// timer of its own. Contexts are ended by one shared reaper that looks at
// the live ones every Tick, so a Done channel waited on closes up to Tick
// after the deadline; Deadline is exact, and Err and Done look at the
// clock themselves, so that whoever asks after the deadline (go-redis
// does before each command) sees the context ended. Meant for short-lived
// request contexts whose parent never ends (a background context with
// values); a parent that can end gets a plain context.WithDeadline.
package deadline

import (
	"context"
	"sync"
	"time"
)

// Tick is how often the reaper ends the contexts past their deadline: how
// late, at most, a context's Done closes.
const Tick = 10 * time.Millisecond

// idleTicks is how many ticks the reaper waits without a live context
// before it stops (the next context starts it again).
const idleTicks = 100

// Ctx is a context that ends at its deadline or when Stop is called,
// whichever comes first. Values come from its parent.
type Ctx struct {
	context.Context
	deadline time.Time
	// inner is the plain context used when the parent can end.
	inner  context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	done chan struct{}
	err  error
	// at is the context's index in the reaper's list, -1 once out of it.
	at int
}

// New returns a context that ends d from now, or when Stop is called.
// Callers must call Stop when done with it, as with a CancelFunc.
func New(parent context.Context, d time.Duration) *Ctx {
	c := &Ctx{Context: parent, deadline: time.Now().Add(d), at: -1}
	if parent.Done() != nil {
		c.inner, c.cancel = context.WithDeadline(parent, c.deadline)
		return c
	}
	if d <= 0 {
		c.end(context.DeadlineExceeded)
		return c
	}
	reap.add(c)
	return c
}

// Deadline returns the time the context ends.
func (c *Ctx) Deadline() (time.Time, bool) {
	if c.inner != nil {
		return c.inner.Deadline()
	}
	return c.deadline, true
}

// Done returns a channel closed when the context ends.
func (c *Ctx) Done() <-chan struct{} {
	if c.inner != nil {
		return c.inner.Done()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	c.checkLocked()
	return c.done
}

// Err returns nil until the context ends, then context.DeadlineExceeded or
// context.Canceled (Stop).
func (c *Ctx) Err() error {
	if c.inner != nil {
		return c.inner.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checkLocked()
	return c.err
}

// checkLocked ends the context if its deadline has passed, without waiting
// for the reaper: Err and Done agree with Deadline as soon as it passes,
// so that go-redis, seeing a deadline in the past, also sees the
// context's error and sends nothing (with a live context it would send,
// time out at once and drop the connection).
func (c *Ctx) checkLocked() {
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.endLocked(context.DeadlineExceeded)
	}
}

// Stop ends the context (context.Canceled, unless it already ended) and
// releases what it holds.
func (c *Ctx) Stop() {
	if c.inner != nil {
		c.cancel()
		return
	}
	reap.remove(c)
	c.end(context.Canceled)
}

// end ends the context with err, unless it already ended.
func (c *Ctx) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(err)
}

func (c *Ctx) endLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
}

// reaper holds the live contexts and ends those past their deadline.
type reaper struct {
	mu      sync.Mutex
	live    []*Ctx
	running bool
}

var reap reaper

func (r *reaper) add(c *Ctx) {
	r.mu.Lock()
	c.at = len(r.live)
	r.live = append(r.live, c)
	start := !r.running
	r.running = true
	r.mu.Unlock()
	if start {
		go r.run()
	}
}

func (r *reaper) remove(c *Ctx) {
	r.mu.Lock()
	r.removeLocked(c)
	r.mu.Unlock()
}

func (r *reaper) removeLocked(c *Ctx) {
	i := c.at
	if i < 0 {
		return
	}
	last := len(r.live) - 1
	r.live[i] = r.live[last]
	r.live[i].at = i
	r.live[last] = nil
	r.live = r.live[:last]
	c.at = -1
}

// run ends the contexts past their deadline every Tick, and stops after
// idleTicks without a live context.
func (r *reaper) run() {
	t := time.NewTicker(Tick)
	defer t.Stop()
	idle := 0
	var expired []*Ctx
	for now := range t.C {
		r.mu.Lock()
		for i := 0; i < len(r.live); {
			c := r.live[i]
			if now.Before(c.deadline) {
				i++
				continue
			}
			r.removeLocked(c) // moves the last one to i
			expired = append(expired, c)
		}
		if len(r.live) == 0 {
			idle++
		} else {
			idle = 0
		}
		stop := idle >= idleTicks
		if stop {
			r.running = false
		}
		r.mu.Unlock()
		for i, c := range expired {
			c.end(context.DeadlineExceeded)
			expired[i] = nil
		}
		expired = expired[:0]
		if stop {
			return
		}
	}
}
