package app

import (
	"context"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sender"
)

// sendTimeout bounds one provider call; it stays under half the claim idle
// time, so that a live worker's message is not claimed by another.
const sendTimeout = 15 * time.Second

// Worker returns an outbox worker sending through the provider the
// configuration chose (or a sender that only logs), counted in the
// metrics.
func (a *App) Worker() *outbox.Worker {
	snd, route := a.Config.Providers.Sender(a.Log)
	return a.WorkerWith(a.newOperatorSend(snd, route), route, "")
}

// WorkerWith returns an outbox worker sending through send as route, with
// the configuration's limits, guards and clock; consumer names it in the
// consumer group ("": the host and process).
func (a *App) WorkerWith(send outbox.Sender, route, consumer string) *outbox.Worker {
	cfg := a.Config
	return outbox.New(a.Store, send, outbox.Config{
		Provider: route, Consumer: consumer, Concurrency: cfg.OutboxConcurrency, MaxAttempts: cfg.OutboxMaxAttempts,
		ClaimIdle: cfg.OutboxClaimIdle, SendTimeout: min(sendTimeout, cfg.OutboxClaimIdle/2),
		Classify: sender.Classify, Observer: a.Metrics.Outbox(), Log: a.Log, Now: a.now,
		Guard: func(now time.Time) outbox.Guard {
			return outbox.Guard{QuietUntil: cfg.Quiet.Until(now), SessionGuard: cfg.SessionGuard, StateTTL: cfg.StateTTL}
		},
		Throttle: broadcast.NewRoutedThrottle(a.Store, a.routeOf(send, route)),
	})
}

// routeOf names the route a message takes and its ceiling: the one route,
// or, for a sender that routes by operator, the route of the number's
// operator, so that each provider's ceiling holds for what it carries.
func (a *App) routeOf(send outbox.Sender, route string) func(msg.Outbound) (string, float64) {
	if r, ok := send.(interface{ RouteOf(msg.Outbound) string }); ok {
		return func(m msg.Outbound) (string, float64) {
			name := r.RouteOf(m)
			return name, a.Config.RouteRate(name)
		}
	}
	return func(msg.Outbound) (string, float64) { return route, a.Config.RouteRate(route) }
}

// RunOutbound runs w and a campaign runner until ctx ends, then waits for
// both.
func (a *App) RunOutbound(ctx context.Context, w *outbox.Worker) error {
	r := broadcast.NewRunner(a.Store, broadcast.RunnerConfig{Quiet: a.Config.Quiet, Shape: a.Config.SMSShaping.Apply, Log: a.Log})
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	err := w.Run(ctx)
	<-done
	return err
}
