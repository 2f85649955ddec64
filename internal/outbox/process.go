package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// finishTries bounds the attempts at recording a batch's outcomes; after
// them the entries stay unacknowledged and are claimed again later (an
// unknown outcome, which the conversation lane sends again).
const finishTries = 3

// process sends entries of one lane in chunks of Concurrency: the
// campaign messages' places under the shared rates, Begin (one round trip),
// the sends (all at once), Finish (one round trip). A chunk takes at most
// MaxThrottleWait and one SendTimeout, so a live worker's entries are not
// claimed by another (ClaimIdle exceeds it), and a worker that dies leaves
// at most one chunk with an unknown outcome.
func (w *Worker) process(ctx context.Context, lane msg.Lane, entries []Entry) {
	for len(entries) > 0 {
		n := min(len(entries), w.cfg.Concurrency)
		w.processChunk(ctx, lane, entries[:n])
		entries = entries[n:]
	}
}

// processChunk sends up to Concurrency entries at once.
func (w *Worker) processChunk(ctx context.Context, lane msg.Lane, entries []Entry) {
	now := w.cfg.Now()
	var g Guard
	if lane == msg.LaneBulk && w.cfg.Guard != nil {
		g = w.cfg.Guard(now)
	}
	// A campaign message takes its place under the shared rates before it
	// is marked as being sent; one whose place is more than a moment away
	// is held for then, its attempts untouched.
	waits := make(map[string]time.Duration)
	if lane == msg.LaneBulk && w.cfg.Throttle != nil {
		for i := range entries {
			m := entries[i].Message
			if m.Campaign == "" {
				continue
			}
			wait, hold, err := w.cfg.Throttle(ctx, m)
			switch {
			case err != nil:
				w.log.Warn("throttle unavailable; message held", "lane", string(lane), "message_id", entries[i].MsgID, "err", err)
				entries[i].HoldUntil = now.Add(w.cfg.BackoffBase)
			case hold > 0:
				entries[i].HoldUntil = now.Add(hold)
			default:
				waits[entries[i].MsgID] = wait
			}
		}
	}
	jobs, err := w.q.OutboxBegin(ctx, lane, entries, now, g)
	if err != nil {
		w.log.Error("beginning sends failed; entries left for a later claim", "lane", string(lane), "entries", len(entries), "err", err)
		return
	}
	outs := make([]Outcome, 0, len(jobs))
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for _, j := range jobs {
		if j.Decision != Send {
			w.cfg.Observer.Settled(lane, j.Decision, j.Decision == ReportUnknown)
			continue
		}
		if j.Unknown {
			w.cfg.Observer.Settled(lane, Send, true)
			w.log.Warn("sending again a message whose outcome is unknown", "lane", string(lane), "message_id", j.MsgID, "attempt", j.Attempt)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sleep(ctx, waits[j.MsgID]) // its place under the rates
			o := w.sendOne(ctx, lane, j)
			mu.Lock()
			outs = append(outs, o)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(outs) == 0 {
		return
	}
	for try := 1; ; try++ {
		err = w.q.OutboxFinish(ctx, lane, outs, w.cfg.Now())
		if err == nil {
			return
		}
		if try == finishTries {
			w.log.Error("recording send outcomes failed; entries left for a later claim", "lane", string(lane), "entries", len(outs), "err", err)
			return
		}
		sleep(ctx, time.Duration(try)*100*time.Millisecond)
	}
}

// sendOne sends one message and classifies the outcome.
func (w *Worker) sendOne(ctx context.Context, lane msg.Lane, j Job) Outcome {
	o := Outcome{Entry: j.Entry, Provider: w.cfg.Provider}
	sctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	start := time.Now()
	var (
		pid string
		err error
	)
	if rs, ok := w.send.(RoutedSender); ok {
		var route string
		route, pid, err = rs.SendVia(sctx, j.Message)
		if route != "" {
			o.Provider = route
		}
	} else {
		pid, err = w.send.Send(sctx, j.Message)
	}
	cancel()
	took := time.Since(start)
	defer func() { w.cfg.Observer.Sent(lane, o.Result, took, waited(j.StreamID, w.cfg.Now())) }()
	if err == nil {
		o.Result, o.ProviderID = Sent, pid
		return o
	}
	f := w.cfg.Classify(err)
	o.Err = clip(err.Error(), 300)
	switch {
	case f.OptedOut:
		o.Result = OptedOut
	case f.InvalidNumber:
		o.Result = Invalid
	case f.Retryable && j.Attempt < w.cfg.MaxAttempts:
		o.Result = Retry
		o.RetryAt = w.cfg.Now().Add(backoff(j.Attempt, w.cfg.BackoffBase, w.cfg.BackoffMax, f.RetryAfter, w.cfg.Rand))
	case f.Retryable:
		o.Result = Dead
		o.Err = fmt.Sprintf("after %d attempts: %s", j.Attempt, o.Err)
	default:
		o.Result = Dead
	}
	w.log.LogAttrs(ctx, slog.LevelWarn, "send failed", slog.String("lane", string(lane)), slog.String("message_id", j.MsgID),
		slog.Int("attempt", j.Attempt), slog.String("result", string(o.Result)), slog.String("err", o.Err))
	return o
}

// waited is the time since the entry's stream id was made (its queueing,
// or its return from a retry wait).
func waited(streamID string, now time.Time) time.Duration {
	ms, _, ok := strings.Cut(streamID, "-")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return 0
	}
	return max(now.Sub(time.UnixMilli(n)), 0)
}

// clip cuts s to at most n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
