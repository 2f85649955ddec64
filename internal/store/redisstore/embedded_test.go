package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestEmbedded runs every script and query on miniredis, the embedded
// default.
func TestEmbedded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := embeddedStore(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	p := person(40)
	if c, err := s.Load(ctx, p, "h1"); err != nil || c.Version != 0 || c.State != nil {
		t.Fatalf("Load of nothing = %+v, %v", c, err)
	}
	ch := msg.Change{State: []byte("s1"), StateTTL: time.Hour, Lang: msg.English,
		Dedupe: "h1", Reply: []byte("CON a"), DedupeTTL: time.Minute,
		Registration: registration(40, "E1", time.Now())}
	if err := s.Commit(ctx, p, ch); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Load(ctx, p, "h1"); string(c.Reply) != "CON a" {
		t.Fatalf("dedupe hit = %+v", c)
	}
	if c, _ := s.Load(ctx, p, "h2"); string(c.State) != "s1" || c.Version != 1 || c.Lang != msg.English {
		t.Fatalf("Load = %+v", c)
	}
	if err := s.Commit(ctx, p, msg.Change{State: []byte("x")}); !errors.Is(err, msg.ErrConflict) {
		t.Fatalf("stale commit err = %v", err)
	}
	if err := s.Commit(ctx, person(41), msg.Change{Registration: registration(41, "E1", time.Now())}); !errors.Is(err, msg.ErrRefTaken) {
		t.Fatalf("ref taken err = %v", err)
	}
	again := registration(40, "E2", time.Now())
	again.Answers["region"] = "ouest"
	if err := s.Commit(ctx, p, msg.Change{Version: 1, State: []byte("s2"), Registration: again}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, person(42), msg.Change{Registration: registration(42, "E3", time.Now().Add(time.Second))}); err != nil {
		t.Fatal(err)
	}
	regs, total, err := s.Registrations(ctx, msg.Filter{Region: "littoral", Situation: "returnee"})
	if err != nil || total != 1 || regs[0].Ref != "E3" {
		t.Fatalf("filtered Registrations = %v, %d, %v", refs(regs), total, err)
	}
	if _, total, _ := s.Registrations(ctx, msg.Filter{}); total != 2 {
		t.Fatalf("total = %d, want 2", total)
	}
	var seen []string
	if err := s.EachRegistration(ctx, func(r msg.Registration) error { seen = append(seen, r.Ref); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "E2" || seen[1] != "E3" {
		t.Fatalf("EachRegistration = %v", seen)
	}
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Registration(ctx, "E2"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("after DeletePerson: %v", err)
	}
	if c, _ := s.Load(ctx, p, ""); c.Version != 0 || c.Lang != "" {
		t.Fatalf("after DeletePerson Load = %+v", c)
	}
}

func TestOpenRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, o := range []redisstore.Options{
		{URL: "http://127.0.0.1:6379"},
		{URL: "127.0.0.1:6379"},
		{URL: "redis://127.0.0.1:6379", Prefix: "psl:{x}:"},
		{URL: "redis://:secretpw@127.0.0.1:1/", DialTimeout: 50 * time.Millisecond},
	} {
		s, err := redisstore.Open(ctx, o)
		if err == nil {
			_ = s.Close()
			t.Errorf("Open(%+v) succeeded", o)
			continue
		}
		if strings.Contains(err.Error(), "secretpw") {
			t.Errorf("error reveals the password: %v", err)
		}
	}
}

func TestOpenReal(t *testing.T) {
	t.Parallel()
	c := mustClient(t) // skips when the test Redis is unreachable
	s, err := redisstore.Open(context.Background(), redisstore.Options{URL: redistest.URL(), Prefix: redistest.Prefix(t, c)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Fatal("Ping after Close succeeded")
	}
}

// embeddedStore opens a store on a fresh embedded server (miniredis),
// stopped when the test ends.
func embeddedStore(tb testing.TB) *redisstore.Store {
	tb.Helper()
	url, stop, err := redisstore.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	s, err := redisstore.Open(context.Background(), redisstore.Options{URL: url, Prefix: "psl:"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}
