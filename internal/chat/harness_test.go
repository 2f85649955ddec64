package chat_test

import (
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/sim"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
	"github.com/passerelle/passerelle/locales"
)

// harness is a chat service on the shipped flows and the real Redis, with a
// fixed clock and predictable reference codes.
type harness struct {
	svc    *chat.Service
	store  *redisstore.Store
	rdb    *redis.Client
	prefix string
	clock  *sim.Clock
	hasher *msg.Hasher
	phones map[msg.Address]*sim.Phone
}

var testStart = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newHarness(tb testing.TB) *harness {
	tb.Helper()
	c := newContent(tb)
	rdb := redistest.Client(tb)
	prefix := redistest.Prefix(tb, rdb)
	h := &harness{
		store: redisstore.New(rdb, prefix), rdb: rdb, prefix: prefix,
		clock: sim.NewClock(testStart), hasher: msg.NewHasher([]byte("test-secret-0123456789")),
		phones: map[msg.Address]*sim.Phone{},
	}
	var n atomic.Int64
	h.svc = chat.New(c.Engine, render.New(c.Catalog, c.Set, 182), h.store, h.hasher,
		slog.New(slog.NewTextHandler(io.Discard, nil)),
		chat.Config{Now: h.clock.Now, Ref: func() string { return fmt.Sprintf("T%05d", n.Add(1)) }})
	return h
}

// phone returns the simulated phone of a number.
func (h *harness) phone(a msg.Address) *sim.Phone {
	if p, ok := h.phones[a]; ok {
		return p
	}
	p := &sim.Phone{H: h.svc, From: a, Service: "*384*123#", Clock: h.clock}
	h.phones[a] = p
	return p
}

func newContent(tb testing.TB) *content.Content {
	tb.Helper()
	c, err := content.Load(flows.FS, locales.FS, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newRenderer(c *content.Content) *render.Renderer { return render.New(c.Catalog, c.Set, 182) }
