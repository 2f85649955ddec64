// Package apptest builds the whole conversation side of Passerelle for tests:
// the shipped flows and texts, the chat service, and a store on the real
// Redis under the test's own key prefix, with a fixed clock and predictable
// reference codes (T00001, T00002, …).
package apptest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/sim"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
	"github.com/passerelle/passerelle/locales"
)

// Start is the clock's time when a test begins.
var Start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Secret keys the test hasher.
const Secret = "test-secret-0123456789"

// App is the conversation side of Passerelle, ready to be driven.
type App struct {
	// Built is the application as app.New builds it for every command.
	Built    *app.App
	Content  *content.Content
	Renderer *render.Renderer
	Service  *chat.Service
	Store    *redisstore.Store
	Redis    redis.UniversalClient
	Prefix   string
	Clock    *sim.Clock
	Hasher   *msg.Hasher
	// Outbox records the SMS the service sends.
	Outbox *Outbox
	phones map[msg.Address]*sim.Phone
}

// Outbox is the outbox as the tests see it: messages committed by hops are
// sent by a real outbox worker (drained on demand) to a recording sender.
type Outbox struct {
	worker *outbox.Worker
	mu     sync.Mutex
	sent   []msg.Outbound
}

// send records m.
func (o *Outbox) send(_ context.Context, m msg.Outbound) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return "fake-" + m.ID, nil
}

// Use makes the outbox send through s (a real provider sender pointed at a
// local fake) instead of recording.
func (o *Outbox) Use(a *App, s outbox.Sender, provider string, classify outbox.Classifier) {
	o.worker = outbox.New(a.Store, s, outbox.Config{
		Provider: provider, Now: a.Clock.Now, Log: Discard(), Consumer: "apptest", Classify: classify,
	})
}

// Drain sends every message queued so far.
func (o *Outbox) Drain(tb testing.TB) {
	tb.Helper()
	if _, err := o.worker.Drain(context.Background()); err != nil {
		tb.Fatalf("draining the outbox: %v", err)
	}
}

// Sent drains the outbox and returns the messages sent so far.
func (o *Outbox) Sent() []msg.Outbound {
	_, _ = o.worker.Drain(context.Background())
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]msg.Outbound(nil), o.sent...)
}

// FloodLimit is the test service's inbound SMS limit per person.
const FloodLimit = 30

// Discard is a logger that drops everything.
func Discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Content loads the shipped flows and texts.
func Content(tb testing.TB) *content.Content {
	tb.Helper()
	c, err := content.Load(flows.FS, locales.FS, Discard())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Config is the configuration of the tests' application: the settings'
// defaults, as serve runs without any (USSD budget 182, conversations
// kept 24 h, 2 years of retention, …), and the tests' flood limit.
func Config() app.Config {
	return app.Config{
		USSDBudget: 182, StateTTL: 24 * time.Hour, Retention: 17520 * time.Hour, SMSPerDay: chat.DefaultSMSPerDay,
		FloodLimit: FloodLimit, FloodPeriod: 10 * time.Minute, OutboxRetention: 168 * time.Hour,
		OutboxConcurrency: 8, OutboxMaxAttempts: 8, OutboxClaimIdle: time.Minute,
	}
}

// New returns an App on the real Redis; log may be nil.
func New(tb testing.TB, log *slog.Logger) *App {
	tb.Helper()
	return NewWith(tb, log, nil)
}

// NewWith is New with a last say on the chat service's configuration.
func NewWith(tb testing.TB, log *slog.Logger, configure func(*chat.Config)) *App {
	tb.Helper()
	if log == nil {
		log = Discard()
	}
	c := Content(tb)
	rdb := redistest.Client(tb)
	prefix := redistest.Prefix(tb, rdb)
	// The funnel is written at Stats only: a write a second after a hop
	// would change the keys tests compare around another.
	a := &App{
		Content: c, Store: redisstore.New(rdb, prefix).WithFunnelEvery(-1), Redis: rdb, Prefix: prefix,
		Clock: sim.NewClock(Start), phones: map[msg.Address]*sim.Phone{}, Outbox: &Outbox{},
	}
	if os.Getenv("PASSERELLE_TEST_SPLIT") == "1" {
		a.Store.WithSplitCommit(true)
	}
	var n atomic.Int64
	built, err := app.New(context.Background(), Config(), app.Options{
		Log: log, Content: c, Store: a.Store, Now: a.Clock.Now, Secret: []byte(Secret),
		Ref:       func() string { return fmt.Sprintf("T%05d", n.Add(1)) },
		Configure: configure,
	})
	if err != nil {
		tb.Fatal(err)
	}
	a.Built, a.Renderer, a.Service, a.Hasher = built, built.Renderer, built.Service, built.Hasher
	a.Outbox.worker = outbox.New(a.Store, outbox.SenderFunc(a.Outbox.send), outbox.Config{
		Provider: "test", Now: a.Clock.Now, Log: log, Consumer: "apptest",
	})
	return a
}

// Phone returns the simulated phone of a number (the same one each time).
func (a *App) Phone(p msg.Address) *sim.Phone {
	if ph, ok := a.phones[p]; ok {
		return ph
	}
	ph := &sim.Phone{H: a.Service, From: p, Service: "*384*123#", Clock: a.Clock,
		Campaign: func(ctx context.Context, from msg.Address, id, key string, window time.Duration) error {
			flow, node, _ := strings.Cut(key, ":")
			now := a.Clock.Now()
			return a.Store.OpenCampaignWindow(ctx, a.Hasher.Person(from), id, flow, node, now.Add(window), now)
		}}
	a.phones[p] = ph
	return ph
}

// Keys lists the test's Redis keys.
func (a *App) Keys(tb testing.TB) []string { return redistest.Keys(tb, a.Redis, a.Prefix) }
