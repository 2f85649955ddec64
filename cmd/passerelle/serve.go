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
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
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

// loadContent loads and checks the flows; any problem stops start-up.
func loadContent(cfg Config, log *slog.Logger) (*content.Content, error) {
	f, l := contentFS(cfg)
	c, err := content.Load(f, l, log)
	if err != nil {
		return nil, err
	}
	if probs := c.Check(cfg.USSDBudget); len(probs) > 0 {
		for _, p := range probs {
			log.Error("flow problem", "problem", p.String())
		}
		return nil, fmt.Errorf("error checking flows: %d problems (run passerelle lint)", len(probs))
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
	store, err := redisstore.Open(ctx, redisstore.Options{URL: url, Prefix: cfg.RedisPrefix})
	if err != nil {
		return fmt.Errorf("error opening the store: %w", err)
	}
	defer store.Close()

	r := render.New(c.Catalog, c.Set, cfg.USSDBudget)
	svc := chat.New(c.Engine, r, store, msg.NewHasher(secret), log, chat.Config{StateTTL: cfg.StateTTL})
	if cfg.AdminToken == "" {
		log.Warn("no PASSERELLE_ADMIN_TOKEN: the admin routes are off")
	}
	srv := web.New(web.Config{Conversations: svc, Registry: store, Store: store, Log: log, AdminToken: cfg.AdminToken})

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
