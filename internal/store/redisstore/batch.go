package redisstore

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// A hop's two round trips (its load's reads, its commit's script) go to
// Redis through a batcher: the commands of the hops in flight at the same
// moment travel together, as one pipeline on one connection, one write and
// one read, for the gateway and for Redis alike. A hop alone is sent at
// once, as before (nothing waits for company); under load, the hops that
// arrive while a batch is on the wire leave in the next. Commands keep
// their own replies and errors, and Redis runs each command (each script)
// whole and in order, so a hop's compare-and-set and atomic commit are the
// same inside a batch as alone. Not on a Cluster, where a batch would wait
// for its slowest node (Store.New). System calls were the largest cost of a
// hop (about 40 % of the gateway, most of Redis's), one write and one read
// per round trip per hop: docs/performance.md measures what batching
// saves.

// batchMax is the most commands a batch takes; batchIdle how long an
// idle worker waits before it stops (one starts again with the next hop).
const (
	batchMax  = 256
	batchIdle = 10 * time.Second
)

// batchWorkers is how many batches may be on the wire at once, each on a
// connection of its own: one per core, at least two (one fills while the
// other waits for its replies).
func batchWorkers() int { return max(2, runtime.GOMAXPROCS(0)) }

// batcher sends the commands of concurrent callers in shared pipelines.
// Safe for concurrent use; it starts its workers when needed and they stop
// when idle, so a store needs no Close for them.
type batcher struct {
	rdb     redis.UniversalClient
	reqs    chan *batchReq
	running atomic.Int32
	workers int32
	idle    time.Duration
}

// batchReq is one caller's commands, done (signalled once) when their
// replies are in. Requests are reused (reqPool), except one whose caller
// gave up, which the batch still signals.
type batchReq struct {
	ctx  context.Context
	cmds []redis.Cmder
	done chan struct{}
}

var reqPool = sync.Pool{New: func() any { return &batchReq{done: make(chan struct{}, 1)} }}

// reuse gives r back to reqPool, once no batch holds it.
func (r *batchReq) reuse() {
	r.ctx, r.cmds = nil, nil
	reqPool.Put(r)
}

func newBatcher(rdb redis.UniversalClient, workers int) *batcher {
	return &batcher{rdb: rdb, reqs: make(chan *batchReq, 4*batchMax), workers: int32(workers), idle: batchIdle}
}

// do sends cmds in the next batch and waits for their replies (each
// command's own result and error, as after a pipeline's Exec). It returns
// ctx's error (wrapped) when ctx ends first. Commands whose ctx has ended
// by the time their batch is made are not sent (they answer ctx's error),
// as go-redis sends nothing for a context that ended; once sent, they may
// have run whatever the caller hears.
func (b *batcher) do(ctx context.Context, cmds ...redis.Cmder) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("error queueing redis commands: %w", err)
	}
	r := reqPool.Get().(*batchReq)
	r.ctx, r.cmds = ctx, cmds
	select {
	case b.reqs <- r:
	case <-ctx.Done():
		r.reuse()
		return fmt.Errorf("error queueing redis commands: %w", ctx.Err())
	}
	b.ensure()
	select {
	case <-r.done:
		r.reuse()
		return nil
	case <-ctx.Done():
		return fmt.Errorf("error waiting for redis: %w", ctx.Err())
	}
}

// ensure starts a worker while fewer than b.workers run.
func (b *batcher) ensure() {
	for {
		n := b.running.Load()
		if n >= b.workers {
			return
		}
		if b.running.CompareAndSwap(n, n+1) {
			go b.work()
			return
		}
	}
}

// work sends batches until it has been idle for b.idle. A worker keeps
// one pipeline and one array of commands for all its batches (a pipeline
// may be used again once executed).
func (b *batcher) work() {
	idle := time.NewTimer(b.idle)
	defer idle.Stop()
	w := &batchWork{pipe: b.rdb.Pipeline(), batch: make([]*batchReq, 0, batchMax), cmds: make([]redis.Cmder, 0, batchMax)}
	for {
		select {
		case r := <-b.reqs:
			w.batch = append(w.batch[:0], r)
		case <-idle.C:
			b.running.Add(-1)
			// A request queued while this worker stopped, by a caller
			// that saw it running, must not wait for the next one.
			if len(b.reqs) > 0 {
				b.ensure()
			}
			return
		}
		n := len(w.batch[0].cmds)
	fill:
		for n < batchMax {
			select {
			case r := <-b.reqs:
				w.batch = append(w.batch, r)
				n += len(r.cmds)
			default:
				break fill
			}
		}
		w.send()
		if !idle.Stop() {
			select {
			case <-idle.C:
			default:
			}
		}
		idle.Reset(b.idle)
	}
}

// batchWork is what one worker reuses from batch to batch.
type batchWork struct {
	pipe  redis.Pipeliner
	batch []*batchReq
	cmds  []redis.Cmder
}

// send runs a batch as one pipeline and tells each caller. The batch's
// I/O is bounded by the client's read and write timeouts (a context
// deadline would cost a timer a batch); a hop waits no longer than its own
// context.
func (w *batchWork) send() {
	ctx := context.Background()
	cmds := w.cmds[:0]
	for _, r := range w.batch {
		if err := r.ctx.Err(); err != nil {
			// Its caller gave up (or is about to): nothing of it is sent.
			for _, c := range r.cmds {
				c.SetErr(err)
			}
			continue
		}
		cmds = append(cmds, r.cmds...)
	}
	if len(cmds) > 0 {
		_ = w.pipe.BatchProcess(ctx, cmds...)
		_, _ = w.pipe.Exec(ctx) // each command holds its own error
	}
	// The arrays outlive the batch: they must not keep its commands and
	// requests alive.
	clear(cmds)
	w.cmds = cmds[:0]
	for _, r := range w.batch {
		r.done <- struct{}{} // buffered: never waits
	}
	clear(w.batch)
	w.batch = w.batch[:0]
}

// send runs a hop's commands: in the store's batches, or as a pipeline of
// their own when batching is off. Each command holds its own result and
// error; send returns an error only when the commands were not all
// answered (ctx ended first).
func (s *Store) send(ctx context.Context, cmds ...redis.Cmder) error {
	if s.batch != nil {
		return s.batch.do(ctx, cmds...)
	}
	pipe := s.rdb.Pipeline()
	for _, c := range cmds {
		_ = pipe.Process(ctx, c)
	}
	_, _ = pipe.Exec(ctx)
	return nil
}

// runHop runs a hop's commit script through send: EVALSHA of sc with the
// keys and the arguments h.a[hopArgv:n], then EVAL when the server does not
// hold the script.
func (s *Store) runHop(ctx context.Context, sc script, h *hopArgs, n int) *redis.Cmd {
	cmd := sc.evalShaOf(ctx, h, n)
	if err := s.send(ctx, cmd); err != nil {
		// cmd may still be answered by the batch: report on another.
		failed := redis.NewCmd(ctx)
		failed.SetErr(err)
		return failed
	}
	if isNoScript(cmd.Err()) {
		return sc.Eval(ctx, s.rdb, h.keys[:], h.a[hopArgv:n]...)
	}
	return cmd
}
