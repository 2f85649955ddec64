package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/contacts"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/metrics"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// Options adjust what New builds, for sim and the tests; the zero value
// builds what serve and worker run.
type Options struct {
	// Log receives every log line (default slog.Default()).
	Log *slog.Logger
	// Content, when set, is used instead of loading Config's flows and
	// locales (a test loads them once).
	Content *content.Content
	// Store, when set, is used instead of opening Config's Redis (a test's
	// store under a prefix of its own); Close does not close it.
	Store *redisstore.Store
	// Scratch puts the store under a random prefix of Config's Redis, or
	// of the embedded store without one, and deletes it at Close: the sim
	// never touches anyone's data.
	Scratch bool
	// Secret, when set, replaces Config's key of the keyed hash (tests
	// that name people by their hash).
	Secret []byte
	// Now and Ref replace the clock and the reference codes (sim, tests).
	Now func() time.Time
	Ref func() string
	// Configure, when set, has the last say on the conversation service's
	// configuration (tests).
	Configure func(*chat.Config)
}

// App is Passerelle built from its configuration: the content, the store,
// the conversation service and what they share.
type App struct {
	Config  Config
	Content *content.Content
	// Lint is the content's lint report at the gateway's budget, made
	// once at start-up.
	Lint     content.Report
	Store    *redisstore.Store
	Hasher   *msg.Hasher
	Contacts *contacts.Directory
	Renderer *render.Renderer
	Service  *chat.Service
	Metrics  *metrics.Metrics
	Log      *slog.Logger
	// Embedded tells that the store is the in-process one: nothing
	// survives a restart.
	Embedded bool
	// Console, when set, is the staff web console Web mounts under
	// /console.
	Console http.Handler
	now     func() time.Time
	closers []func()
}

// New builds the application from cfg: it loads and checks the content,
// opens the store (the embedded one when cfg names no Redis), and builds
// the conversation service exactly as every command runs it. Close
// releases what it opened.
func New(ctx context.Context, cfg Config, o Options) (*App, error) {
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	a := &App{Config: cfg, Log: log, Content: o.Content, Store: o.Store, now: o.Now, Metrics: metrics.New()}
	if a.now == nil {
		a.now = time.Now
	}
	built := false
	defer func() {
		if !built {
			a.Close()
		}
	}()
	var err error
	if a.Content == nil {
		if a.Content, a.Lint, err = LoadContent(cfg, log); err != nil {
			return nil, err
		}
	} else {
		a.Lint = a.Content.Report(cfg.USSDBudget, chat.Messages)
	}
	secret := []byte(cfg.Secret)
	if o.Secret != nil {
		secret = o.Secret
	}
	if a.Store == nil {
		if err := a.openStore(ctx, o.Scratch); err != nil {
			return nil, err
		}
	}
	if a.Embedded && !o.Scratch {
		log.Warn("no PASSERELLE_REDIS_URL: using the embedded in-memory store; NOTHING SURVIVES A RESTART")
	}
	if o.Scratch || len(secret) == 0 {
		// Nothing kept survives the process: a key of its own will do.
		if !o.Scratch && o.Store == nil {
			log.Warn("no PASSERELLE_SECRET: using a random key for this run")
		}
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	}
	a.Store.WithOutboxRetention(cfg.OutboxRetention)
	// One retention for everything a person gave: call-back requests
	// expire after it, and the purge deletes what is older.
	a.Store.WithRetention(cfg.Retention)
	if cfg.Encryption != nil {
		a.Store.WithSeal(cfg.Encryption)
	}
	a.Store.WithOperators(cfg.Operators.Of)
	a.Hasher = msg.NewHasher(secret)
	if a.Contacts, err = contacts.Load(cfg.ContactsFile); err != nil {
		return nil, err
	}
	a.Renderer = render.New(a.Content.Catalog, a.Content.Set, cfg.USSDBudget).WithContacts(a.Contacts).WithRetention(cfg.Retention)
	cc := chat.Config{
		StateTTL: cfg.StateTTL, People: a.Store, Flood: msg.Rate{Limit: cfg.FloodLimit, Period: cfg.FloodPeriod},
		SMS: true, Shape: cfg.SMSShaping.Apply, Observer: a.Metrics,
		SMSPerDay: cfg.SMSPerDay, Features: a.Contacts.Feature, Now: o.Now, Ref: o.Ref,
		Operator: cfg.Operators.Of, Budgets: cfg.OperatorBudgets,
	}
	if o.Configure != nil {
		o.Configure(&cc)
	}
	a.Service = chat.New(a.Content.Engine, a.Renderer, a.Store, a.Hasher, log, cc)
	built = true
	return a, nil
}

// openStore opens the configured Redis, or starts the embedded one; with
// scratch, under a random prefix deleted at Close.
func (a *App) openStore(ctx context.Context, scratch bool) error {
	cfg := a.Config
	opts := StoreOptions(cfg)
	if cfg.RedisURL == "" {
		u, stop, err := redisstore.Embedded()
		if err != nil {
			return fmt.Errorf("error starting the embedded store: %w", err)
		}
		a.closers = append(a.closers, stop)
		opts.URL, a.Embedded = u, true
		// The embedded server is one node, reached directly.
		opts.SentinelMaster, opts.Sentinels, opts.Cluster = "", nil, nil
	}
	if scratch {
		var b [6]byte
		_, _ = rand.Read(b[:])
		opts.Prefix = "sim:" + hex.EncodeToString(b[:]) + ":"
	}
	store, err := redisstore.Open(ctx, opts)
	if err != nil {
		return fmt.Errorf("error opening the store: %w", err)
	}
	a.Store = store.WithLog(a.Log)
	a.closers = append(a.closers, func() { _ = store.Close() })
	if !scratch {
		// Data of an older key layout moves once, before anything is served
		// (every gateway of the older version must be stopped first).
		n, err := store.MigrateLayout(ctx)
		if err != nil {
			return fmt.Errorf("error opening the store: %w", err)
		}
		if n > 0 {
			a.Log.Info("redis keys moved to the current key layout", "keys", n)
		}
	}
	if scratch && !a.Embedded {
		a.closers = append(a.closers, func() {
			dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := store.DeleteEverything(dctx); err != nil {
				a.Log.Error("the simulation's keys were not all deleted", "err", err)
			}
		})
	}
	return nil
}

// StoreOptions are the Redis options of the configuration.
func StoreOptions(c Config) redisstore.Options {
	return redisstore.Options{URL: c.RedisURL, Prefix: c.RedisPrefix, SentinelMaster: c.RedisSentinelMaster,
		Sentinels: c.RedisSentinels, SentinelPassword: c.RedisSentinelPassword, Cluster: c.RedisCluster}
}

// Close releases what New opened, last opened first.
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}
