package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Defaults for Config.
const (
	DefaultConcurrency = 8
	DefaultBatch       = 64
	DefaultMaxAttempts = 8
	DefaultClaimIdle   = time.Minute
	DefaultBlock       = time.Second
	DefaultBackoffBase = 2 * time.Second
	DefaultBackoffMax  = 10 * time.Minute
	DefaultSendTimeout = 15 * time.Second
	// statsEvery is how often a worker reads the lanes' depth for metrics.
	statsEvery = 5 * time.Second
	// promoteEvery is how often due retries are moved back into their lane.
	promoteEvery = 250 * time.Millisecond
)

// Config tunes a Worker. Zero values take the defaults.
type Config struct {
	// Consumer names the worker in the consumer group; default
	// "<host>-<pid>-<random>".
	Consumer string
	// Provider names the route messages leave by, recorded with each
	// provider id ("twilio", "africastalking", "log").
	Provider string
	// Concurrency is how many messages of one lane are sent at once.
	Concurrency int
	// Batch is how many entries are read at once.
	Batch int
	// MaxAttempts is how many sends are tried before a message becomes a
	// dead letter.
	MaxAttempts int
	// ClaimIdle is how long an entry may sit unacknowledged with a
	// consumer before another takes it over. It must exceed SendTimeout.
	ClaimIdle time.Duration
	// Block is how long a read waits for new entries.
	Block time.Duration
	// BackoffBase and BackoffMax bound the wait between retries.
	BackoffBase, BackoffMax time.Duration
	// SendTimeout bounds one provider call.
	SendTimeout time.Duration
	// Now and Rand are the clock and the jitter source (tests inject them).
	Now  func() time.Time
	Rand func() float64
	// Guard returns what campaign messages are checked against now (quiet
	// hours, the session guard); nil checks nothing.
	Guard func(now time.Time) Guard
	// Throttle takes a campaign message's place under the campaign's rate
	// and the route's ceiling, shared by every worker: it returns how long
	// to wait before sending (a moment at most), or how long to hold the
	// message when no place opens soon. Nil sends at once.
	Throttle func(ctx context.Context, m msg.Outbound) (wait, hold time.Duration, err error)
	// Classify tells what a send error means; nil treats every error as
	// retryable.
	Classify Classifier
	Observer Observer
	Log      *slog.Logger
}

// Worker sends the outbox's messages. Start as many as needed, in as many
// processes: they share the work through the consumer group.
type Worker struct {
	q    Queue
	send Sender
	cfg  Config
	log  *slog.Logger
}

// New returns a Worker.
func New(q Queue, s Sender, cfg Config) *Worker {
	if cfg.Consumer == "" {
		cfg.Consumer = consumerName()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.ClaimIdle <= 0 {
		cfg.ClaimIdle = DefaultClaimIdle
	}
	if cfg.Block <= 0 {
		cfg.Block = DefaultBlock
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = DefaultSendTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = mrand.Float64
	}
	if cfg.Classify == nil {
		cfg.Classify = func(error) Failure { return Failure{Retryable: true} }
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Worker{q: q, send: s, cfg: cfg, log: cfg.Log}
}

// Consumer returns the worker's name in the consumer group.
func (w *Worker) Consumer() string { return w.cfg.Consumer }

// consumerName is unique per process: host, pid and a random suffix.
func consumerName() string {
	host, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return strings.ReplaceAll(host, " ", "_") + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// Run sends until ctx ends, then finishes the sends under way and returns.
// Entries read but not sent stay in their stream for the next worker.
// It returns an error only when the consumer groups cannot be created.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.q.OutboxInit(ctx); err != nil {
		return fmt.Errorf("error starting outbox worker: %w", err)
	}
	w.log.Info("outbox worker started", "consumer", w.cfg.Consumer, "provider", w.cfg.Provider)
	var wg sync.WaitGroup
	for _, l := range msg.Lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.readLoop(ctx, l)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.housekeeping(ctx)
	}()
	wg.Wait()
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := w.q.OutboxLeave(lctx, w.cfg.Consumer); err != nil {
		w.log.Warn("leaving the consumer group failed", "consumer", w.cfg.Consumer, "err", err)
	}
	w.log.Info("outbox worker stopped", "consumer", w.cfg.Consumer)
	return nil
}

// readLoop reads and sends a lane's new entries until ctx ends.
func (w *Worker) readLoop(ctx context.Context, lane msg.Lane) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		// No more than one chunk at a time: entries waiting in a worker's
		// memory would pass the claim idle time and be sent twice.
		entries, err := w.q.OutboxRead(ctx, lane, w.cfg.Consumer, min(w.cfg.Batch, w.cfg.Concurrency), w.cfg.Block)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("reading outbox failed", "lane", string(lane), "err", err)
				sleep(ctx, pause)
				pause = min(pause*2, 5*time.Second)
			}
			continue
		}
		pause = 100 * time.Millisecond
		if len(entries) > 0 {
			// Entries read are this worker's: send them even if ctx
			// ended meanwhile.
			w.process(context.WithoutCancel(ctx), lane, entries)
		}
	}
}

// housekeeping moves due retries back into their lane, claims the entries
// of workers that stopped, and reads the lanes' depth, until ctx ends.
func (w *Worker) housekeeping(ctx context.Context) {
	promote := time.NewTicker(promoteEvery)
	defer promote.Stop()
	claimEvery := max(w.cfg.ClaimIdle/4, time.Second)
	claim := time.NewTicker(claimEvery)
	defer claim.Stop()
	stats := time.NewTicker(statsEvery)
	defer stats.Stop()
	w.observeDepth(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-promote.C:
			if _, err := w.q.OutboxPromote(ctx, w.cfg.Now(), 500); err != nil && ctx.Err() == nil {
				w.log.Error("promoting retries failed", "err", err)
			}
		case <-claim.C:
			w.claim(ctx)
		case <-stats.C:
			w.observeDepth(ctx)
		}
	}
}

// claim takes over and sends the entries other consumers left idle.
func (w *Worker) claim(ctx context.Context) {
	for _, l := range msg.Lanes {
		entries, err := w.q.OutboxClaim(ctx, l, w.cfg.Consumer, w.cfg.ClaimIdle, min(w.cfg.Batch, w.cfg.Concurrency))
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("claiming outbox entries failed", "lane", string(l), "err", err)
			}
			continue
		}
		if len(entries) > 0 {
			w.log.Info("claimed outbox entries of a stopped worker", "lane", string(l), "entries", len(entries))
			w.process(context.WithoutCancel(ctx), l, entries)
		}
	}
}

func (w *Worker) observeDepth(ctx context.Context) {
	st, err := w.q.OutboxStats(ctx, w.cfg.Now(), 0)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("reading outbox depth failed", "err", err)
		}
		return
	}
	for l, s := range st.Lanes {
		w.cfg.Observer.Depth(l, s)
	}
}

// Drain sends everything available now, promoting due retries first, and
// returns how many entries it handled: for tests and the simulator, which
// run no background worker. It claims nothing.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	if err := w.q.OutboxInit(ctx); err != nil {
		return 0, fmt.Errorf("error draining outbox: %w", err)
	}
	total := 0
	for {
		if _, err := w.q.OutboxPromote(ctx, w.cfg.Now(), 500); err != nil {
			return total, fmt.Errorf("error draining outbox: %w", err)
		}
		n := 0
		for _, l := range msg.Lanes {
			entries, err := w.q.OutboxRead(ctx, l, w.cfg.Consumer, w.cfg.Batch, -1)
			if err != nil {
				return total, fmt.Errorf("error draining outbox: %w", err)
			}
			w.process(ctx, l, entries)
			n += len(entries)
		}
		if n == 0 {
			return total, nil
		}
		total += n
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
