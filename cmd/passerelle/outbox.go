package main

import (
	"context"
	"fmt"
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

// newSender builds the SMS sender PASSERELLE_SMS_PROVIDER names, with its
// credentials passed explicitly (twilio-go reads no TWILIO_* variable) and
// its API base from PASSERELLE_TWILIO_API_URL or PASSERELLE_AT_API_URL.
// Twilio's delivery reports come back to PASSERELLE_PUBLIC_URL/sms/twilio/status.
// It returns the sender and the name of its route.
func newSender(cfg Config, log *slog.Logger) (sender.Sender, string, error) {
	var (
		out sender.Sender
		err error
	)
	provider := cfg.SMSProvider
	switch provider {
	case "twilio":
		out, err = sender.NewTwilio(sender.TwilioConfig{
			AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken,
			From: cfg.TwilioFrom, MessagingServiceSID: cfg.TwilioMessagingServiceSID,
			StatusCallback: cfg.PublicURL + "/sms/twilio/status", BaseURL: cfg.TwilioAPIURL,
		})
	case "africastalking":
		out, err = sender.NewAfricasTalking(sender.AfricasTalkingConfig{
			Username: cfg.ATUsername, APIKey: cfg.ATAPIKey, From: cfg.ATSMSFrom, BaseURL: cfg.ATAPIURL,
		})
	default:
		provider = "log"
		out = sender.NewLog(log)
		log.Warn("no SMS provider: outbound SMS are only logged, never sent")
	}
	if err != nil {
		return nil, "", fmt.Errorf("error configuring the SMS sender: %w", err)
	}
	return out, provider, nil
}

// routeName names the route messages leave by: the SMS provider, or "log".
func routeName(cfg Config) string {
	switch cfg.SMSProvider {
	case "twilio", "africastalking":
		return cfg.SMSProvider
	}
	return "log"
}

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
