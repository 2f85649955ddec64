package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/web"
)

// The store gives the console everything it reads and changes.
var (
	_ console.Staff    = (*redisstore.Store)(nil)
	_ console.Accounts = (*redisstore.Store)(nil)
	_ web.CallbackDesk = (*redisstore.Store)(nil)
)

// newConsole builds the staff web console of serve on the application's
// store, with the lint report of the content it serves and a simulator:
// the same application on an embedded store of its own, closed when ctx
// ends. It returns nil when the console is turned off
// (PASSERELLE_CONSOLE=false).
func newConsole(ctx context.Context, a *app.App, log *slog.Logger) http.Handler {
	cfg, c, store := a.Config, a.Content, a.Store
	if !cfg.Console {
		log.Info("PASSERELLE_CONSOLE=false: the staff console is off")
		return nil
	}
	if cfg.ConsoleInsecureCookies {
		log.Warn("PASSERELLE_CONSOLE_INSECURE_COOKIES=true: console cookies are sent over plain http; only for local use on http://localhost")
	}
	rep := a.Lint // made at start-up; its problems are copied before adding to them
	rep.Problems = slices.Clone(rep.Problems)
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
		Audit: store, Campaigns: store, Campaign: a.CampaignConfig(), Lint: &rep, Flows: flows, Entries: entries,
		Accounts: store, InsecureCookies: cfg.ConsoleInsecureCookies, SessionTTL: cfg.ConsoleSessionTTL, Log: log,
	}
	sim, err := newConsoleSimulator(ctx, a)
	if err != nil {
		log.Error("console simulator off", "err", err)
	} else {
		ccfg.Simulator = sim
	}
	return console.New(ccfg)
}

// consoleSimulator is the application the console's simulator plays: the
// same flows, texts and settings as serve's, on an embedded store of its
// own, never the gateway's.
type consoleSimulator struct {
	*chat.Service
	app *app.App
}

// SetLang remembers a simulated person's language.
func (s consoleSimulator) SetLang(ctx context.Context, a msg.Address, l msg.Lang) error {
	if err := s.app.Store.Commit(ctx, s.app.Hasher.Person(a), msg.Change{Lang: l}); err != nil {
		return fmt.Errorf("error setting the simulated person's language: %w", err)
	}
	return nil
}

// newConsoleSimulator builds the application again on a scratch embedded
// store (the Redis settings are cleared, so it can never reach the
// gateway's), closed when ctx ends.
func newConsoleSimulator(ctx context.Context, a *app.App) (consoleSimulator, error) {
	cfg := a.Config
	cfg.RedisURL, cfg.RedisSentinelMaster, cfg.RedisSentinels, cfg.RedisCluster = "", "", nil, nil
	sa, err := app.New(ctx, cfg, app.Options{Content: a.Content, Scratch: true, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return consoleSimulator{}, fmt.Errorf("error building the console's simulator: %w", err)
	}
	go func() {
		<-ctx.Done()
		sa.Close()
	}()
	return consoleSimulator{Service: sa.Service, app: sa}, nil
}
