package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// consoleApp builds the application as serve does, on the test's store.
func consoleApp(t *testing.T, ctx context.Context, env map[string]string) *app.App {
	t.Helper()
	cfg, _, err := loadConfig("serve", nil, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redistest.Client(t)
	a, err := app.New(ctx, cfg, app.Options{Content: apptest.Content(t), Store: redisstore.New(rdb, redistest.Prefix(t, rdb)), Log: apptest.Discard()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// TestNewConsole: serve's console answers under /console with the strict
// headers and Secure cookies, through the web server, and is off with
// PASSERELLE_CONSOLE=false.
func TestNewConsole(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := consoleApp(t, ctx, nil)
	a.Console = newConsole(ctx, a, apptest.Discard())
	resp, err := a.Web().App().Test(httptest.NewRequest(http.MethodGet, "/console/signin", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("sign-in page: %d %v", resp.StatusCode, resp.Header)
	}
	if ck := resp.Header.Get("Set-Cookie"); !strings.Contains(ck, "Secure") || !strings.Contains(ck, "SameSite=Strict") {
		t.Fatalf("cookie %q: want Secure and SameSite=Strict by default", ck)
	}
	off := consoleApp(t, ctx, map[string]string{"PASSERELLE_CONSOLE": "false"})
	if h := newConsole(ctx, off, apptest.Discard()); h != nil {
		t.Fatal("PASSERELLE_CONSOLE=false still gives a console")
	}
}

// TestConsoleSimulator: the console's simulator plays the real flows on an
// embedded store of its own, even when the gateway has a Redis URL: a
// registration made there never reaches the gateway's store.
func TestConsoleSimulator(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := consoleApp(t, ctx, map[string]string{"PASSERELLE_REDIS_URL": redistest.URL(), "PASSERELLE_SECRET": "console-test-secret-0123", "PASSERELLE_USSD_OPEN": "true"})
	sim, err := newConsoleSimulator(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !sim.app.Embedded {
		t.Fatal("the simulator is not on an embedded store")
	}
	phone := msg.Address("+237699912345")
	if err := sim.SetLang(ctx, phone, msg.English); err != nil {
		t.Fatal(err)
	}
	in := msg.Inbound{Channel: msg.USSD, Provider: "sim", From: phone, To: "*384*123#", Session: "S1", Cumulative: true}
	var last msg.Reply
	text := ""
	for i, answer := range []string{"", "1", "1", "John Ayuk", "3", "2", "7", "Bamenda", "3", "5", "1"} {
		if i > 1 {
			text += "*"
		}
		text += answer
		in.Text = text
		if last, err = sim.Handle(ctx, in); err != nil {
			t.Fatalf("hop %d: %v", i, err)
		}
	}
	if !last.End || !strings.Contains(strings.Join(last.Messages, ""), "Ref: ") {
		t.Fatalf("last screen %+v", last)
	}
	if _, n, err := sim.app.Store.Registrations(ctx, msg.Filter{Limit: 5}); err != nil || n != 1 {
		t.Fatalf("the simulator's store holds %d registrations (%v)", n, err)
	}
	if _, n, err := a.Store.Registrations(ctx, msg.Filter{Limit: 5}); err != nil || n != 0 {
		t.Fatalf("the gateway's store holds %d registrations (%v)", n, err)
	}
}
