package app

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// sendingProvider is a provider that only sends, recording what it sent.
type sendingProvider struct {
	name string
	sent []msg.Address
}

func (p *sendingProvider) Name() string               { return p.name }
func (p *sendingProvider) Routes() []provider.Route   { return nil }
func (p *sendingProvider) Notices() []provider.Notice { return nil }
func (p *sendingProvider) Sender() sender.Sender {
	return sender.Func(func(_ context.Context, m msg.Outbound) (sender.Result, error) {
		p.sent = append(p.sent, m.To)
		return sender.Result{ProviderID: p.name + "-" + m.ID}, nil
	})
}

// operatorApp is an application whose SMS go through the provider "first",
// those of Orange's subscribers through "second", with route ceilings of
// 30 and 3 a second.
func operatorApp(t *testing.T) (a *App, def, orange *sendingProvider) {
	t.Helper()
	def, orange = &sendingProvider{name: "first"}, &sendingProvider{name: "second"}
	ops, _ := msg.ParseOperators("")
	rdb := redistest.Client(t)
	cfg := Config{USSDBudget: 182, Operators: ops, OperatorRoutes: map[string]string{"orange": "second"},
		RouteRates: map[string]float64{"": 20, "first": 30, "second": 3},
		Providers:  provider.Set{Providers: []provider.Provider{def, orange}, SMS: "first"}}
	a, err := New(context.Background(), cfg, Options{Store: redisstore.New(rdb, redistest.Prefix(t, rdb)),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, def, orange
}

// TestSendByOperator: an operator given its own route gets its SMS through
// it, every other number through the chosen provider, and the metrics
// count sends by operator and route.
func TestSendByOperator(t *testing.T) {
	t.Parallel()
	a, def, orange := operatorApp(t)
	snd, route := a.Config.Providers.Sender(a.Log)
	s := a.newOperatorSend(snd, route)
	for _, c := range []struct {
		to    msg.Address
		route string
	}{{"+237690000001", "second"}, {"+237670000001", "first"}, {"+237655000002", "second"}} {
		via, id, err := s.SendVia(context.Background(), msg.Outbound{ID: "m", To: c.to, Text: "x"})
		if err != nil || via != c.route || id != c.route+"-m" {
			t.Fatalf("%s went through %q as %q (%v), want %s", c.to, via, id, err, c.route)
		}
	}
	if len(orange.sent) != 2 || len(def.sent) != 1 || def.sent[0] != "+237670000001" {
		t.Fatalf("orange route sent %v, default %v", orange.sent, def.sent)
	}
	rec := httptest.NewRecorder()
	a.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`passerelle_sms_operator_total{operator="orange",result="ok",route="second"} 2`,
		`passerelle_sms_operator_total{operator="mtn",result="ok",route="first"} 1`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(rec.Body.String(), "237690000001") {
		t.Error("a number in the metrics")
	}
}

// TestThrottleByOperatorRoute: a campaign message takes its place under
// the ceiling of the route its number's operator goes through, not under
// the default route's.
func TestThrottleByOperatorRoute(t *testing.T) {
	t.Parallel()
	a, _, _ := operatorApp(t)
	snd, route := a.Config.Providers.Sender(a.Log)
	for _, c := range []struct {
		send    outbox.Sender
		to      msg.Address
		route   string
		ceiling float64
	}{
		{a.newOperatorSend(snd, route), "+237690000001", "second", 3},
		{a.newOperatorSend(snd, route), "+237670000001", "first", 30},
		{outbox.SenderFunc(func(context.Context, msg.Outbound) (string, error) { return "", nil }), "+237690000001", "first", 30},
	} {
		r, ceiling := a.routeOf(c.send, route)(msg.Outbound{To: c.to})
		if r != c.route || ceiling != c.ceiling {
			t.Errorf("%s: route %s at %v/s, want %s at %v/s", c.to, r, ceiling, c.route, c.ceiling)
		}
	}
}
