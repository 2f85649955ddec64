package app

import (
	"context"
	"log/slog"
	"time"
)

// PurgeEvery is how often the retention purge runs after start-up.
const PurgeEvery = time.Hour

// Purger deletes what is older than the retention (redisstore.Store).
type Purger interface {
	PurgeRegistrations(ctx context.Context, before time.Time) (int, error)
	PurgeCallbacks(ctx context.Context, before time.Time) (int, error)
}

// PurgeLoop purges registrations and call-back requests older than
// retention at once, then every period, until ctx ends.
func PurgeLoop(ctx context.Context, p Purger, retention, every time.Duration, now func() time.Time, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		purgeOnce(ctx, p, now().Add(-retention), log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeOnce runs one purge and logs what it removed: counts, never data.
func purgeOnce(ctx context.Context, p Purger, before time.Time, log *slog.Logger) {
	regs, err := p.PurgeRegistrations(ctx, before)
	if err != nil && ctx.Err() == nil {
		log.Error("retention purge of registrations failed", "purged", regs, "err", err)
	}
	cbs, err := p.PurgeCallbacks(ctx, before)
	if err != nil && ctx.Err() == nil {
		log.Error("retention purge of call-backs failed", "purged", cbs, "err", err)
	}
	if ctx.Err() != nil {
		return // shutting down
	}
	log.Info("retention purge", "before", before.UTC().Format(time.RFC3339), "registrations", regs, "callbacks", cbs)
}

// Purge runs the retention purge on the application's store now, then
// every PurgeEvery, until ctx ends.
func (a *App) Purge(ctx context.Context) {
	PurgeLoop(ctx, a.Store, a.Store.Retention(), PurgeEvery, a.now, a.Log)
}
