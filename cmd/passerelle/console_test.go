package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestNewConsole: serve's console answers under /console with the strict
// headers, and is off with PASSERELLE_CONSOLE=false.
func TestNewConsole(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rdb := redistest.Client(t)
	store := redisstore.New(rdb, redistest.Prefix(t, rdb))
	c := apptest.Content(t)
	cfg, _, err := loadConfig("serve", nil, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	h := newConsole(ctx, cfg, store, c, consoleCampaign(cfg, c), apptest.Discard())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/console/signin", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("sign-in page: %d %v", rec.Code, rec.Header())
	}
	if ck := rec.Header().Get("Set-Cookie"); !strings.Contains(ck, "Secure") || !strings.Contains(ck, "SameSite=Strict") {
		t.Fatalf("cookie %q: want Secure and SameSite=Strict by default", ck)
	}
	cfg.Console = false
	if h := newConsole(ctx, cfg, store, c, consoleCampaign(cfg, c), apptest.Discard()); h != nil {
		t.Fatal("PASSERELLE_CONSOLE=false still gives a console")
	}
}

// TestConsoleSimulator: the console's simulator plays the real flows on an
// embedded store of its own: a registration made there never reaches the
// gateway's store.
func TestConsoleSimulator(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, _, err := loadConfig("serve", nil, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := newConsoleSimulator(ctx, cfg, apptest.Content(t))
	if err != nil {
		t.Fatal(err)
	}
	phone := msg.Address("+237699912345")
	if err := sim.SetLang(ctx, phone, msg.English); err != nil {
		t.Fatal(err)
	}
	in := msg.Inbound{Channel: msg.USSD, Provider: "sim", From: phone, To: "*384*123#", Session: "S1", Cumulative: true}
	var last msg.Reply
	for i, text := range []string{"", "1", "1*1", "1*1*John Ayuk", "1*1*John Ayuk*3", "1*1*John Ayuk*3*2", "1*1*John Ayuk*3*2*7",
		"1*1*John Ayuk*3*2*7*Bamenda", "1*1*John Ayuk*3*2*7*Bamenda*3", "1*1*John Ayuk*3*2*7*Bamenda*3*5", "1*1*John Ayuk*3*2*7*Bamenda*3*5*1"} {
		in.Text = text
		if last, err = sim.Handle(ctx, in); err != nil {
			t.Fatalf("hop %d: %v", i, err)
		}
	}
	if !last.End || !strings.Contains(strings.Join(last.Messages, ""), "Ref: ") {
		t.Fatalf("last screen %+v", last)
	}
	s := sim.(consoleSimulator).store
	if _, n, err := s.Registrations(ctx, msg.Filter{Limit: 5}); err != nil || n != 1 {
		t.Fatalf("the embedded store holds %d registrations (%v)", n, err)
	}
}
