// Package outbox carries out the messages hops and campaigns committed: its
// workers read each lane's Redis stream in a consumer group, send through
// the configured provider, record the outcome and acknowledge. A message is
// sent at least once: a worker that dies leaves its entries to be claimed by
// another after an idle time; retryable failures back off exponentially with
// jitter and honour Retry-After; after a set number of attempts a message
// becomes a dead letter that staff can retry. The conversation lane has
// workers of its own, so a reply never waits behind a campaign.
package outbox

import (
	"context"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Queue is the outbox's storage (redisstore.Store).
type Queue interface {
	// OutboxInit creates the consumer group of every lane.
	OutboxInit(ctx context.Context) error
	// OutboxRead reads up to count new entries of a lane, waiting up to
	// block for one (not at all when block is negative).
	OutboxRead(ctx context.Context, lane msg.Lane, consumer string, count int, block time.Duration) ([]Entry, error)
	// OutboxClaim takes over entries another consumer left unacknowledged
	// for at least minIdle.
	OutboxClaim(ctx context.Context, lane msg.Lane, consumer string, minIdle time.Duration, count int) ([]Entry, error)
	// OutboxBegin decides what to do with entries and marks those to send
	// as being sent.
	OutboxBegin(ctx context.Context, lane msg.Lane, entries []Entry, now time.Time, g Guard) ([]Job, error)
	// OutboxFinish records outcomes and acknowledges their entries.
	OutboxFinish(ctx context.Context, lane msg.Lane, outs []Outcome, now time.Time) error
	// OutboxPromote moves messages whose retry time has come back into
	// their lane.
	OutboxPromote(ctx context.Context, now time.Time, limit int) (int, error)
	// OutboxStats tells where each lane stands.
	OutboxStats(ctx context.Context, now time.Time, deadLimit int) (Stats, error)
	// OutboxLeave removes a stopping consumer that holds no entry.
	OutboxLeave(ctx context.Context, consumer string) error
}

// Sender hands one message to a provider and returns the provider's id of
// it.
type Sender interface {
	Send(ctx context.Context, m msg.Outbound) (providerID string, err error)
}

// RoutedSender is a Sender that may send a message through another route
// than the worker's (a route per mobile operator): SendVia names the route
// it used, which is recorded with the message (its delivery reports are
// matched by that route's provider id).
type RoutedSender interface {
	Sender
	SendVia(ctx context.Context, m msg.Outbound) (route, providerID string, err error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m msg.Outbound) (string, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, m msg.Outbound) (string, error) { return f(ctx, m) }

// Failure is what a send error means for the outbox.
type Failure struct {
	// Retryable: the same message may succeed later (rate limit, outage,
	// timeout); RetryAfter is the provider's own wait, if it gave one.
	Retryable  bool
	RetryAfter time.Duration
	// OptedOut: the person blocks our messages. InvalidNumber: the number
	// cannot receive SMS. Neither is ever retried.
	OptedOut, InvalidNumber bool
}

// Classifier tells what a send error means.
type Classifier func(err error) Failure

// Observer is told what the workers do, for metrics.
type Observer interface {
	// Sent: a send ended with result after taking d at the provider;
	// waited is how long the message waited from its queueing.
	Sent(lane msg.Lane, result Result, d, waited time.Duration)
	// Settled: an entry was settled without a send (opted out, erased,
	// unknown outcome reported) or an unknown outcome was found.
	Settled(lane msg.Lane, d Decision, unknown bool)
	// Depth: where a lane stands, read every few seconds.
	Depth(lane msg.Lane, s LaneStats)
}

type nopObserver struct{}

func (nopObserver) Sent(msg.Lane, Result, time.Duration, time.Duration) {}
func (nopObserver) Settled(msg.Lane, Decision, bool)                    {}
func (nopObserver) Depth(msg.Lane, LaneStats)                           {}
