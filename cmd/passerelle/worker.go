package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// work runs `passerelle worker`: outbox workers only, sending what the
// gateways' hops queued, until ctx ends (SIGINT, SIGTERM). Run as many as
// the route needs: they share the work through the consumer group, and a
// worker that dies leaves its messages to the others after
// PASSERELLE_OUTBOX_CLAIM_IDLE.
func work(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.RedisURL == "" {
		return errors.New("passerelle worker needs PASSERELLE_REDIS_URL: the embedded store lives inside serve, whose own workers send its messages")
	}
	a, err := app.New(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return err
	}
	defer a.Close()
	logSeal(cfg, log)
	w := a.Worker()
	rctx, stopRepair := context.WithCancel(ctx)
	repaired := make(chan struct{})
	go func() {
		defer close(repaired)
		a.Repair(rctx)
	}()
	defer func() { stopRepair(); <-repaired }()
	if cfg.WorkerAddr != "" {
		hctx, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			if err := serveWorkerHealth(hctx, cfg.WorkerAddr, a.Store, a.Metrics, log); err != nil {
				log.Error("worker health listener stopped", "err", err)
			}
		}()
	}
	return a.RunOutbound(ctx, w)
}

// logSeal says at start-up whether registrations are encrypted at rest.
func logSeal(cfg Config, log *slog.Logger) {
	if cfg.Encryption == nil {
		log.Info("registration numbers and answers are stored UNENCRYPTED at rest: set PASSERELLE_ENCRYPTION_KEYS to encrypt them")
		return
	}
	log.Info("registration numbers and answers are encrypted at rest", "key", cfg.Encryption.Current())
}

// reseal runs `passerelle reseal`: every registration number and answer is
// sealed again with the first key of PASSERELLE_ENCRYPTION_KEYS, so that
// an older key can be dropped after a rotation.
func reseal(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.RedisURL == "" || cfg.Encryption == nil {
		return errors.New("passerelle reseal needs PASSERELLE_REDIS_URL and PASSERELLE_ENCRYPTION_KEYS")
	}
	store, err := redisstore.Open(ctx, app.StoreOptions(cfg))
	if err != nil {
		return fmt.Errorf("error opening the store: %w", err)
	}
	defer store.Close()
	store.WithSeal(cfg.Encryption)
	n, err := store.Reseal(ctx, 0)
	if err != nil {
		return err
	}
	log.Info("registrations sealed again with the current key", "key", cfg.Encryption.Current(), "registrations", n)
	return nil
}
