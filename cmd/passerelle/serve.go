package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/contacts"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/metrics"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/web"
	"github.com/passerelle/passerelle/locales"
)

// contentFS returns the flows and locales directories, or the built-in copies.
func contentFS(cfg Config) (fs.FS, fs.FS) {
	var f, l fs.FS = flows.FS, locales.FS
	if cfg.FlowsDir != "" {
		f = os.DirFS(cfg.FlowsDir)
	}
	if cfg.LocalesDir != "" {
		l = os.DirFS(cfg.LocalesDir)
	}
	return f, l
}

// loadContent loads and checks the flows and texts: a broken reference, a
// missing translation or a page over the budget stops start-up; unused texts
// and long UCS-2 pages are only logged.
func loadContent(cfg Config, log *slog.Logger) (*content.Content, error) {
	f, l := contentFS(cfg)
	c, err := content.Load(f, l, log)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, p := range c.Report(cfg.USSDBudget, chat.Messages).Problems {
		if p.Severity == content.SeverityError && p.Kind != content.KindUnused {
			log.Error("flow problem", "problem", p.String())
			n++
		} else {
			log.Warn("flow warning", "problem", p.String())
		}
	}
	if n > 0 {
		return nil, fmt.Errorf("error checking flows: %d problems (run passerelle lint)", n)
	}
	return c, nil
}

func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	c, err := loadContent(cfg, log)
	if err != nil {
		return err
	}
	secret := []byte(cfg.Secret)
	url := cfg.RedisURL
	if url == "" {
		u, stop, err := redisstore.Embedded()
		if err != nil {
			return fmt.Errorf("error starting the embedded store: %w", err)
		}
		defer stop()
		url = u
		log.Warn("no PASSERELLE_REDIS_URL: using the embedded in-memory store; NOTHING SURVIVES A RESTART")
		if len(secret) == 0 {
			secret = make([]byte, 32)
			_, _ = rand.Read(secret)
			log.Warn("no PASSERELLE_SECRET: using a random key for this run")
		}
	}
	opts := storeOptions(cfg)
	opts.URL = url
	store, err := redisstore.Open(ctx, opts)
	if err != nil {
		return fmt.Errorf("error opening the store: %w", err)
	}
	defer store.Close()
	store.WithOutboxRetention(cfg.OutboxRetention)
	// One retention for everything a person gave: call-back requests
	// expire after it, and the purge below deletes what is older.
	store.WithRetention(cfg.Retention)
	withSeal(store, cfg, log)

	hasher := msg.NewHasher(secret)
	dir, err := contacts.Load(cfg.ContactsFile)
	if err != nil {
		return err
	}
	r := render.New(c.Catalog, c.Set, cfg.USSDBudget).WithContacts(dir).WithRetention(cfg.Retention)
	met := metrics.New()
	// Every message a hop causes is queued by its commit; the outbox
	// workers send them, here unless PASSERELLE_OUTBOX_IN_SERVE=false.
	worker, err := newWorker(cfg, store, met, log)
	if err != nil {
		return err
	}
	svc := chat.New(c.Engine, r, store, hasher, log, chat.Config{
		StateTTL: cfg.StateTTL, People: store, Limiter: store.NewFlood(cfg.FloodLimit, cfg.FloodPeriod),
		SMS: true, Shape: cfg.SMSShaping.Apply, Observer: met,
		SMSPerDay: cfg.SMSPerDay, Features: dir.Feature,
	})
	if cfg.AdminToken == "" && len(cfg.StaffTokens) == 0 {
		log.Warn("no PASSERELLE_ADMIN_TOKEN nor PASSERELLE_STAFF_TOKENS: the admin routes are off")
	}
	cfg.Providers.LogNotices(log)
	// The retention purge: now, then every hour, until shutdown (before the
	// store closes: defers run last in, first out).
	pctx, stopPurge := context.WithCancel(ctx)
	purged := make(chan struct{})
	go func() {
		defer close(purged)
		purgeLoop(pctx, store, store.Retention(), purgeEvery, time.Now, log)
	}()
	defer func() { stopPurge(); <-purged }()
	// The workers stop after the HTTP server: hops under way commit first.
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	worked := make(chan struct{})
	if cfg.OutboxInServe {
		go func() {
			defer close(worked)
			if err := runOutbound(wctx, cfg, store, worker, log); err != nil {
				log.Error("outbox worker stopped", "err", err)
			}
		}()
	} else {
		close(worked)
		log.Info("PASSERELLE_OUTBOX_IN_SERVE=false: messages are sent by passerelle worker processes")
	}
	defer func() { stopWorker(); <-worked }()
	srv := web.New(web.Config{
		Conversations: svc, Registry: store, Callbacks: store, Store: store, Log: log, AdminToken: cfg.AdminToken, StaffTokens: cfg.StaffTokens, Audit: store, Stats: store, Routes: cfg.Providers.Routes(),
		Outbox: store, People: store, Statuses: countingStatuses{store, met}, Hasher: hasher,
		Campaigns: store, Campaign: web.CampaignConfig{
			Limits: broadcast.Limits{MaxSegments: cfg.MaxSegments, MaxRate: cfg.routeRate(routeName(cfg)),
				Flows: func(flow, node string) bool { return c.Engine.IsEntry(flow + ":" + node) }},
			Price: cfg.PricePerSegment, Currency: cfg.Currency, Shape: cfg.SMSShaping.Apply,
		},
		Metrics: met.Handler(), Observe: met.Request,
	})

	errc := make(chan error, 1)
	go func() { errc <- srv.Listen(cfg.Addr) }()
	log.Info("passerelle listening", "addr", cfg.Addr, "flows", len(c.Set.Flows), "ussd_budget", cfg.USSDBudget)
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

// purgeEvery is how often the retention purge runs after start-up.
const purgeEvery = time.Hour

// purger deletes what is older than the retention (redisstore.Store).
type purger interface {
	PurgeRegistrations(ctx context.Context, before time.Time) (int, error)
	PurgeCallbacks(ctx context.Context, before time.Time) (int, error)
}

// purgeLoop purges registrations and call-back requests older than
// retention at once, then every period, until ctx ends.
func purgeLoop(ctx context.Context, p purger, retention, every time.Duration, now func() time.Time, log *slog.Logger) {
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
func purgeOnce(ctx context.Context, p purger, before time.Time, log *slog.Logger) {
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
