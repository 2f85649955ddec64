package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/passerelle/passerelle/internal/metrics"
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
	store, err := redisstore.Open(ctx, redisstore.Options{URL: cfg.RedisURL, Prefix: cfg.RedisPrefix})
	if err != nil {
		return fmt.Errorf("error opening the store: %w", err)
	}
	defer store.Close()
	store.WithOutboxRetention(cfg.OutboxRetention)
	w, err := newWorker(cfg, store, metrics.New(), log)
	if err != nil {
		return err
	}
	return runOutbound(ctx, cfg, store, w, log)
}
