package web_test

import (
	"io"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/metrics"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// TestMetricsRoute: /metrics counts hops and requests, and carries no
// phone number.
func TestMetricsRoute(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	a := apptest.New(t, nil)
	srv := web.New(web.Config{Conversations: a.Service, Store: a.Store, Metrics: m.Handler(), Observe: m.Request,
		Routes: []provider.Route{providertest.USSDRoute()}})
	s := &testServer{App: a, srv: srv}
	for _, text := range []string{"", "1"} {
		if st, _ := s.ussd(t, "M1", "+237670000777", text); st != 200 {
			t.Fatalf("hop: %d", st)
		}
	}
	resp, err := srv.App().Test(adminGet("/metrics", ""), -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	for _, want := range []string{
		`passerelle_request_seconds_count{route="/ussd/test",status="2xx"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "670000777") {
		t.Fatal("a phone number in the metrics")
	}
	// Without Metrics configured there is no route.
	off := web.New(web.Config{Conversations: a.Service})
	if resp, _ := off.App().Test(adminGet("/metrics", ""), -1); resp.StatusCode != 404 {
		t.Fatalf("metrics served when off: %d", resp.StatusCode)
	}
}
