package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// routes is a provider of routes only.
type routes []provider.Route

func (r routes) Name() string               { return "test" }
func (r routes) Routes() []provider.Route   { return r }
func (r routes) Sender() sender.Sender      { return nil }
func (r routes) Notices() []provider.Notice { return nil }

// TestInboundCountedByOperator: the web server the builder makes counts
// every accepted hop by channel and the sender's operator, never by number.
func TestInboundCountedByOperator(t *testing.T) {
	t.Parallel()
	ops, _ := msg.ParseOperators("")
	rdb := redistest.Client(t)
	cfg := apptest.Config()
	cfg.Operators = ops
	cfg.Providers = provider.Set{Providers: []provider.Provider{routes{providertest.USSDRoute()}}, SMS: provider.Log}
	a, err := app.New(context.Background(), cfg, app.Options{Store: redisstore.New(rdb, redistest.Prefix(t, rdb)),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := a.Web()
	for _, phone := range []string{"+237690000001", "+237690000002", "+237670000003"} {
		req := httptest.NewRequest(http.MethodPost, providertest.USSDPath, strings.NewReader(providertest.USSDForm("S", phone, "").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res, err := srv.App().Test(req, -1); err != nil || res.StatusCode != 200 {
			t.Fatalf("hop: %v %v", res, err)
		}
	}
	rec := httptest.NewRecorder()
	a.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{`passerelle_inbound_total{channel="ussd",operator="orange"} 2`, `passerelle_inbound_total{channel="ussd",operator="mtn"} 1`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(rec.Body.String(), "690000001") {
		t.Error("a number in the metrics")
	}
}
