package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/passerelle/passerelle/internal/app"
)

// serve runs `passerelle serve`: the webhooks, the admin API and, unless
// PASSERELLE_OUTBOX_IN_SERVE=false, the outbox workers, until ctx ends.
func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	a, err := app.New(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return err
	}
	defer a.Close()
	logSeal(cfg, log)
	cfg.Providers.LogNotices(log)
	// The retention purge: now, then every hour, until shutdown (before the
	// store closes: defers run last in, first out); on a Cluster, the
	// repair of effects left behind too.
	pctx, stopPurge := context.WithCancel(ctx)
	purged := make(chan struct{})
	repaired := make(chan struct{})
	go func() {
		defer close(purged)
		a.Purge(pctx)
	}()
	go func() {
		defer close(repaired)
		a.Repair(pctx)
	}()
	defer func() { stopPurge(); <-purged; <-repaired }()
	// Every message a hop causes is queued by its commit; the outbox
	// workers send them, here unless PASSERELLE_OUTBOX_IN_SERVE=false. They
	// stop after the HTTP server: hops under way commit first.
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	worked := make(chan struct{})
	if cfg.OutboxInServe {
		w := a.Worker()
		go func() {
			defer close(worked)
			if err := a.RunOutbound(wctx, w); err != nil {
				log.Error("outbox worker stopped", "err", err)
			}
		}()
	} else {
		close(worked)
		log.Info("PASSERELLE_OUTBOX_IN_SERVE=false: messages are sent by passerelle worker processes")
	}
	defer func() { stopWorker(); <-worked }()
	a.Console = newConsole(ctx, a, log)
	srv := a.Web()

	errc := make(chan error, 1)
	go func() { errc <- srv.Listen(cfg.Addr) }()
	log.Info("passerelle listening", "addr", cfg.Addr, "flows", len(a.Content.Set.Flows), "ussd_budget", cfg.USSDBudget)
	select {
	case err := <-errc:
		return fmt.Errorf("error serving: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log.Info("shutting down")
	return srv.Shutdown(sctx)
}
