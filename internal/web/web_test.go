package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/logctx"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

const adminToken = "admin-token-0123456789"

// syncBuffer collects log lines from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testServer struct {
	*apptest.App
	srv  *web.Server
	logs *syncBuffer
}

func newServer(tb testing.TB) *testServer {
	tb.Helper()
	logs := &syncBuffer{}
	s := newServerLog(tb, slog.New(logctx.Handler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	s.logs = logs
	return s
}

func newServerLog(tb testing.TB, log *slog.Logger) *testServer {
	tb.Helper()
	a := apptest.New(tb, log)
	srv := web.New(web.Config{Conversations: a.Service, Registry: a.Store, Callbacks: a.Store, Store: a.Store, Log: log, AdminToken: adminToken, Now: a.Clock.Now,
		Outbox: a.Store, People: a.Store, Hasher: a.Hasher, Campaigns: a.Store, Audit: a.Store, Stats: a.Store,
		StaffTokens: map[string]string{"awa": staffToken}, Routes: []provider.Route{providertest.USSDRoute()},
		Campaign: web.CampaignConfig{Limits: broadcast.Limits{MaxSegments: 3, MaxRate: 50,
			Flows: func(f, n string) bool { return a.Content.Engine.IsEntry(f + ":" + n) }}, Price: 25, Currency: "XAF"}})
	return &testServer{App: a, srv: srv}
}

// do sends a request through the Fiber app and returns status and body.
func (s *testServer) do(tb testing.TB, req *http.Request) (int, string, http.Header) {
	tb.Helper()
	resp, err := s.srv.App().Test(req, -1)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// ussdForm is a hop of the test USSD route (providertest.USSDRoute).
func ussdForm(session, phone, text string) url.Values {
	return providertest.USSDForm(session, phone, text)
}

func postForm(path, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// ussd posts one hop and returns status and body.
func (s *testServer) ussd(tb testing.TB, session, phone, text string) (int, string) {
	tb.Helper()
	st, body, _ := s.do(tb, postForm(providertest.USSDPath, ussdForm(session, phone, text).Encode()))
	return st, body
}
