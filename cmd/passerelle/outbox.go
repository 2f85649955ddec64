package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/metrics"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/web"
)

// newSender returns the sender of the provider PASSERELLE_SMS_PROVIDER
// chose (its credentials passed explicitly, never read from a provider's
// own environment variables), or a sender that only logs, and the route's
// name.
func newSender(cfg Config, log *slog.Logger) (sender.Sender, string, error) {
	s, name := cfg.Providers.Sender(log)
	return s, name, nil
}

// routeName names the route messages leave by: the SMS provider, or "log".
func routeName(cfg Config) string { return cfg.Providers.SMS }

// newWorker builds an outbox worker sending through the configured
// provider, counted in met.
func newWorker(cfg Config, store *redisstore.Store, met *metrics.Metrics, log *slog.Logger) (*outbox.Worker, error) {
	snd, provider, err := newSender(cfg, log)
	if err != nil {
		return nil, err
	}
	return outbox.New(store, countingSend(sender.ForOutbox(snd), met), outbox.Config{
		Provider: provider, Concurrency: cfg.OutboxConcurrency, MaxAttempts: cfg.OutboxMaxAttempts,
		ClaimIdle: cfg.OutboxClaimIdle, SendTimeout: min(sendTimeout, cfg.OutboxClaimIdle/2),
		Classify: sender.Classify, Observer: met.Outbox(), Log: log,
		Guard: func(now time.Time) outbox.Guard {
			return outbox.Guard{QuietUntil: cfg.Quiet.Until(now), SessionGuard: cfg.SessionGuard, StateTTL: cfg.StateTTL}
		},
		Throttle: broadcast.NewThrottle(store, provider, cfg.routeRate(provider)),
	}), nil
}

// runOutbound runs an outbox worker and a campaign runner until ctx ends,
// then waits for both.
func runOutbound(ctx context.Context, cfg Config, store *redisstore.Store, w *outbox.Worker, log *slog.Logger) error {
	r := broadcast.NewRunner(store, broadcast.RunnerConfig{Quiet: cfg.Quiet, Shape: cfg.SMSShaping.Apply, Log: log})
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	err := w.Run(ctx)
	<-done
	return err
}

// sendTimeout bounds one provider call; it stays under half the claim idle
// time, so that a live worker's message is not claimed by another.
const sendTimeout = 15 * time.Second

// countingSend counts every SMS handed to the provider, and its result.
func countingSend(s outbox.Sender, m *metrics.Metrics) outbox.Sender {
	return outbox.SenderFunc(func(ctx context.Context, o msg.Outbound) (string, error) {
		id, err := s.Send(ctx, o)
		m.SMS(err)
		return id, err
	})
}

// countingStatuses counts the delivery reports the webhooks record.
type countingStatuses struct {
	web.Statuses
	m *metrics.Metrics
}

// RecordStatus records a report and counts it by state.
func (c countingStatuses) RecordStatus(ctx context.Context, st msg.Status) error {
	err := c.Statuses.RecordStatus(ctx, st)
	if err == nil {
		c.m.Delivery(st.State)
	}
	return err
}
