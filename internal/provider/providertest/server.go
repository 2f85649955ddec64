// Package providertest is the shared harness of the providers' tests: the
// whole conversation side (apptest) behind the real web server with a
// provider's routes mounted, and tables of canned requests run against it
// (courier's shape: label, request, expected status, body and message).
package providertest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/logctx"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// SyncBuffer collects log lines from concurrent handlers.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p (io.Writer).
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Server is the conversation side of Passerelle on the real Redis under
// the test's own prefix, behind the real web server.
type Server struct {
	*apptest.App
	Web  *web.Server
	Logs *SyncBuffer
	rec  *recorder
}

// New returns a Server with routes mounted and delivery reports recorded in
// the store; mod, when set, adjusts the web configuration first.
func New(tb testing.TB, routes []provider.Route, mod func(a *apptest.App, c *web.Config)) *Server {
	tb.Helper()
	logs := &SyncBuffer{}
	log := slog.New(logctx.Handler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	a := apptest.New(tb, log)
	rec := &recorder{next: a.Service}
	cfg := web.Config{
		Conversations: rec, Store: a.Store, Log: log, Now: a.Clock.Now,
		Routes: routes, Statuses: a.Store, Hasher: a.Hasher,
	}
	if mod != nil {
		mod(a, &cfg)
	}
	return &Server{App: a, Web: web.New(cfg), Logs: logs, rec: rec}
}

// recorder passes hops on and keeps the last inbound message.
type recorder struct {
	next web.Conversations
	mu   sync.Mutex
	last *msg.Inbound
	n    int
}

func (r *recorder) Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	r.mu.Lock()
	c := in
	r.last, r.n = &c, r.n+1
	r.mu.Unlock()
	return r.next.Handle(ctx, in)
}

// Hops returns how many hops reached the conversation service, and the last
// one's message.
func (s *Server) Hops() (int, *msg.Inbound) {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.n, s.rec.last
}

// Do sends a request through the Fiber app and returns status, body and
// header.
func (s *Server) Do(tb testing.TB, req *http.Request) (int, string, http.Header) {
	tb.Helper()
	resp, err := s.Web.App().Test(req, -1)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// Post posts body to target (path and query) as a form, with headers.
func (s *Server) Post(tb testing.TB, target, body string, headers map[string]string) (int, string, http.Header) {
	tb.Helper()
	return s.Do(tb, Request(http.MethodPost, target, body, "application/x-www-form-urlencoded", headers))
}

// Request builds a request; an empty contentType sends none.
func Request(method, target, body, contentType string, headers map[string]string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}

// Snapshot returns every test key with its serialised value, but those
// skip names.
func (s *Server) Snapshot(tb testing.TB, skip func(key string) bool) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, k := range s.Keys(tb) {
		if skip != nil && skip(k) {
			continue
		}
		v, err := s.Redis.Dump(context.Background(), k).Result()
		if err != nil {
			tb.Fatal(err)
		}
		out[k] = v
	}
	return out
}

// SameSnapshot tells whether two snapshots hold the same keys and values.
func SameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
