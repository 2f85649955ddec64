package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"sort"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/contacts"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/web"
)

// The store gives the console everything it reads and changes.
var (
	_ console.Staff    = (*redisstore.Store)(nil)
	_ console.Accounts = (*redisstore.Store)(nil)
	_ web.CallbackDesk = (*redisstore.Store)(nil)
)

// newConsole builds the staff web console of serve on the store, with the
// lint report of the content served and a simulator on an embedded store
// of its own, stopped when ctx ends. It returns nil when the console is
// turned off (PASSERELLE_CONSOLE=false).
func newConsole(ctx context.Context, cfg Config, store *redisstore.Store, c *content.Content, campaign web.CampaignConfig, log *slog.Logger) http.Handler {
	if !cfg.Console {
		log.Info("PASSERELLE_CONSOLE=false: the staff console is off")
		return nil
	}
	if cfg.ConsoleInsecureCookies {
		log.Warn("PASSERELLE_CONSOLE_INSECURE_COOKIES=true: console cookies are sent over plain http; only for local use on http://localhost")
	}
	rep := c.Report(cfg.USSDBudget, chat.Messages)
	addProblems(&rep, contactProblems(c, cfg.ContactsFile))
	flows := make([]string, 0, len(c.Set.Flows))
	var entries []string
	for name, f := range c.Set.Flows {
		flows = append(flows, name)
		for _, node := range f.Entries {
			entries = append(entries, name+":"+node)
		}
	}
	sort.Strings(flows)
	sort.Strings(entries)
	ccfg := console.Config{
		Staff: store, Registry: store, People: store, Callbacks: store, Desk: store, Outbox: store, Stats: store,
		Audit: store, Campaigns: store, Campaign: campaign, Lint: &rep, Flows: flows, Entries: entries, Accounts: store,
		InsecureCookies: cfg.ConsoleInsecureCookies, SessionTTL: cfg.ConsoleSessionTTL, Log: log,
	}
	sim, err := newConsoleSimulator(ctx, cfg, c)
	if err != nil {
		log.Error("console simulator off", "err", err)
	} else {
		ccfg.Simulator = sim
	}
	return console.New(ccfg)
}

// consoleSimulator is the chat service on an embedded store, as the
// console's simulator plays it: never the gateway's store.
type consoleSimulator struct {
	*chat.Service
	store  *redisstore.Store
	hasher *msg.Hasher
}

// SetLang remembers a simulated person's language.
func (s consoleSimulator) SetLang(ctx context.Context, a msg.Address, l msg.Lang) error {
	if err := s.store.Commit(ctx, s.hasher.Person(a), msg.Change{Lang: l}); err != nil {
		return fmt.Errorf("error setting the simulated person's language: %w", err)
	}
	return nil
}

// newConsoleSimulator starts an embedded store, stopped when ctx ends,
// and the chat service on it, built as serve builds its own.
func newConsoleSimulator(ctx context.Context, cfg Config, c *content.Content) (console.Simulator, error) {
	url, stop, err := redisstore.Embedded()
	if err != nil {
		return nil, err
	}
	store, err := redisstore.Open(ctx, redisstore.Options{URL: url, Prefix: "consolesim:"})
	if err != nil {
		stop()
		return nil, err
	}
	go func() {
		<-ctx.Done()
		_ = store.Close()
		stop()
	}()
	dir, err := contacts.Load(cfg.ContactsFile)
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	hasher := msg.NewHasher(secret)
	r := render.New(c.Catalog, c.Set, cfg.USSDBudget).WithContacts(dir).WithRetention(cfg.Retention)
	quiet := slog.New(slog.DiscardHandler)
	svc := chat.New(c.Engine, r, store, hasher, quiet, chat.Config{
		StateTTL: cfg.StateTTL, People: store, SMS: true, Shape: cfg.SMSShaping.Apply, Features: dir.Feature,
	})
	return consoleSimulator{Service: svc, store: store, hasher: hasher}, nil
}

// consoleCampaign is what the console's campaigns are checked and priced
// against: the same limits, price and shaping as the admin API's (serve's
// web.Config.Campaign).
func consoleCampaign(cfg Config, c *content.Content) web.CampaignConfig {
	return web.CampaignConfig{
		Limits: broadcast.Limits{MaxSegments: cfg.MaxSegments, MaxRate: cfg.routeRate(routeName(cfg)),
			Flows: func(flow, node string) bool { return c.Engine.IsEntry(flow + ":" + node) }},
		Price: cfg.PricePerSegment, Currency: cfg.Currency, Shape: cfg.SMSShaping.Apply,
	}
}
