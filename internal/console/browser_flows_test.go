package console_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

// TestBrowserRegistrations: a caseworker signs in, filters the
// registrations by region and opens one.
func TestBrowserRegistrations(t *testing.T) {
	r := secureRig(t)
	r.register(t, 12)
	b := newBrowser(t, r)
	if st := b.signin("carine", casePW); st != http.StatusOK {
		t.Fatalf("sign-in: %d", st)
	}
	if got := b.text("header .who span"); !strings.Contains(got, "carine") {
		t.Fatalf("signed in as %q", got)
	}
	b.open("/registrations")
	b.must(chromedp.SetValue(chromedp.CSS(`select[name=region]`), "littoral"))
	if st := b.submit(`form.filters button`); st != http.StatusOK {
		t.Fatalf("filter: %d", st)
	}
	if got := b.text("main > p"); !strings.HasPrefix(got, "6 inscriptions") {
		t.Fatalf("filtered: %q", got)
	}
	if n := eval[int](b, `[...document.querySelectorAll("tbody tr td:nth-child(4)")].filter(td => td.textContent !== "littoral").length`); n != 0 {
		t.Fatalf("%d rows of another region", n)
	}
	if st := b.submit(`tbody tr:first-child a`); st != http.StatusOK {
		t.Fatalf("open: %d", st)
	}
	if got := b.text("dl.facts"); !strings.Contains(got, "+23767") || !strings.Contains(got, "littoral") {
		t.Fatalf("registration page: %q", got)
	}
}

// TestBrowserCampaign: a campaign manager composes a campaign in two
// languages, sees the live count and the preview, creates and starts it;
// workers send it through twilio-go to the local fake provider, and the
// page (reloading itself) shows it done.
func TestBrowserCampaign(t *testing.T) {
	r := secureRig(t)
	r.register(t, 9)
	fake := sendCampaigns(t, r)
	b := newBrowser(t, r)
	if st := b.signin("marc", managerPW); st != http.StatusOK {
		t.Fatalf("sign-in: %d", st)
	}
	b.open("/campaigns/new")
	b.must(
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Formation Bafoussam"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text_fr]`), "Formation à Bafoussam mardi : l’OIM vous attend."),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text_en]`), "Training in Bafoussam on Tuesday."),
		chromedp.SendKeys(chromedp.CSS(`input[name=rate]`), "20"),
	)
	// The script counts as one types (same-origin, allowed by the CSP).
	if got := b.text("#count_fr"); got != "48 caractères · ucs2 · 1 SMS" {
		t.Fatalf("live count %q", got)
	}
	// The audience, asked of the server as the form changes.
	b.waitFor(`document.getElementById("live-audience").textContent === "9"`)
	b.must(chromedp.Click(chromedp.CSS(`input[name=region][value=littoral]`)))
	b.waitFor(`document.getElementById("live-audience").textContent === "4"`)
	b.must(chromedp.Click(chromedp.CSS(`input[name=region][value=littoral]`)))
	b.waitFor(`document.getElementById("live-audience").textContent === "9"`)
	if st := b.submit(`button[value=preview]`); st != http.StatusOK {
		t.Fatalf("preview: %d", st)
	}
	if got := b.text("#audience"); got != "9" {
		t.Fatalf("audience %q", got)
	}
	if got := b.text("#preview"); !strings.Contains(got, "l'OIM vous attend") || !strings.Contains(got, "225.00 XAF") {
		t.Fatalf("preview %q", got)
	}
	if st := b.submit(`button[value=create]`); st != http.StatusOK {
		t.Fatalf("create: %d", st)
	}
	if got := b.text("#state"); got != "brouillon" {
		t.Fatalf("state %q", got)
	}
	if st := b.submit(`button[value=start]`); st != http.StatusOK {
		t.Fatalf("start: %d", st)
	}
	// The page reloads itself every 3 s while sending; read it until done.
	deadline := time.Now().Add(90 * time.Second)
	state := ""
	for state != "terminée" {
		if time.Now().After(deadline) {
			t.Fatalf("the campaign page still says %q; the fake received %d", state, fake.Count())
		}
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		state, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#state"), chromedp.NodeVisible))
		cancel()
		time.Sleep(200 * time.Millisecond)
	}
	if got := b.text("main section p"); !strings.HasPrefix(got, "9 traités sur 9") {
		t.Fatalf("progress %q", got)
	}
	bodies := map[string]int{}
	for _, m := range fake.Received() {
		bodies[m.Body]++
	}
	if bodies["Training in Bafoussam on Tuesday."] != 3 || bodies["Formation à Bafoussam mardi : l’OIM vous attend."] != 6 {
		t.Fatalf("sent %v", bodies)
	}
}

// sendCampaigns runs a campaign runner and an outbox worker sending
// through twilio-go to a local fake, until the test ends.
func sendCampaigns(t *testing.T, r *rig) *fakesms.Twilio {
	t.Helper()
	fake := fakesms.NewTwilio(t)
	tw, err := twilio.NewSender(twilio.SendConfig{AccountSID: "AC" + strings.Repeat("0", 32), AuthToken: strings.Repeat("ab", 16),
		From: "+237600000000", BaseURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	w := outbox.New(r.Store, sender.ForOutbox(tw), outbox.Config{Consumer: "console-test", Provider: "twilio", Block: 50 * time.Millisecond,
		Classify: sender.Classify, Throttle: broadcast.NewThrottle(r.Store, "twilio", 50), Log: apptest.Discard()})
	runner := broadcast.NewRunner(r.Store, broadcast.RunnerConfig{Tick: 50 * time.Millisecond, Log: apptest.Discard()})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); runner.Run(ctx) }()
	go func() { defer wg.Done(); _ = w.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return fake
}

// TestBrowserSimulator walks the registration flow in French over USSD
// to its reference code.
func TestBrowserSimulator(t *testing.T) {
	r := secureRig(t)
	b := newBrowser(t, r)
	if st := b.signin("vic", viewerPW); st != http.StatusOK {
		t.Fatalf("sign-in: %d", st)
	}
	b.open("/flows/simulator")
	b.must(chromedp.Click(chromedp.CSS(`input[name=lang][value=fr]`)))
	if st := b.submit(`button[value=start]`); st != http.StatusOK {
		t.Fatalf("start: %d", st)
	}
	// Main menu, register, consent, name, sex, age, situation (returnee),
	// region, town, stage, sector, need, summary.
	for _, in := range []string{"1", "1", "Awa Moussa", "2", "3", "2", "2", "Yaoundé", "2", "2", "1", "1"} {
		b.must(chromedp.SendKeys(chromedp.CSS(`input[name=input]`), in))
		if st := b.submit(`button[value=send]`); st != http.StatusOK {
			t.Fatalf("after %q: %d", in, st)
		}
		if strings.Contains(b.text(".phone"), "Ref") {
			break
		}
	}
	screen := b.text(".phone")
	ref := regexp.MustCompile(`Ref: ([A-Z0-9]+)`).FindStringSubmatch(screen)
	if ref == nil {
		t.Fatalf("no reference: %q", screen)
	}
	if _, err := r.sim.Store.Registration(context.Background(), ref[1]); err != nil {
		t.Fatalf("the simulator's store lacks %s: %v", ref[1], err)
	}
}

// TestBrowserRefusals: a viewer is refused a caseworker's page and a
// campaign manager's action; a form whose CSRF token was tampered with is
// refused; three wrong passwords lock an account.
func TestBrowserRefusals(t *testing.T) {
	r := secureRig(t)
	b := newBrowser(t, r)
	if st := b.signin("vic", viewerPW); st != http.StatusOK {
		t.Fatalf("sign-in: %d", st)
	}
	if st := b.open("/registrations"); st != http.StatusForbidden {
		t.Fatalf("a viewer opened the registrations: %d", st)
	}
	b.open("/flows")
	status := eval[int](b, `fetch("`+b.base+`/campaigns/new", {method: "POST", body: new URLSearchParams({
		csrf: document.querySelector("input[name=csrf]").value, do: "create", name: "x", text_fr: "Bonjour", fallback: "fr", registered: "1"})}).then(r => r.status)`)
	if status != http.StatusForbidden {
		t.Fatalf("a viewer created a campaign: %d", status)
	}
	b.open("/flows/simulator")
	b.must(chromedp.SetValue(chromedp.CSS(`form.card input[name=csrf]`), "tampered"))
	if st := b.submit(`button[value=start]`); st != http.StatusForbidden {
		t.Fatalf("a tampered token: %d", st)
	}
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	b.open("/lang/fr?back=/console/signin")
	for i := 1; i <= 3; i++ {
		b.signin("carine", fmt.Sprintf("wrong-password-%03d", i))
	}
	if st := b.signin("carine", casePW); st != http.StatusTooManyRequests || !strings.Contains(b.text("main .problem"), "bloqué") {
		t.Fatalf("locked account signed in: %d", st)
	}
}
