package console_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/console"
)

// The browser tests drive the console in a real headless Chromium
// (Debian's chromium package; .ci/run installs it). They are skipped when
// no Chromium is found, except in CI (CI=true), where that fails.

// chromiumPath finds the browser: $PASSERELLE_CHROMIUM, else chromium or
// google-chrome on the PATH.
func chromiumPath() string {
	if p := os.Getenv("PASSERELLE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium with one tab, on the rig's console.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // http://127.0.0.1:PORT/console
}

// browserStep bounds one browser action (a page load, a click).
const browserStep = 30 * time.Second

func newBrowser(t *testing.T, r *rig) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium (apt-get install chromium, or set PASSERELLE_CHROMIUM): CI runs the browser tests")
		}
		t.Skip("no Chromium found (apt-get install chromium, or set PASSERELLE_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("starting chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx, base: r.URL + "/console"}
	b.open("/lang/fr?back=/console/signin") // Chromium asks for English; the tests read French
	return b
}

// step runs actions within browserStep.
func (b *browser) step(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// must runs actions, failing the test on an error.
func (b *browser) must(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := b.step(actions...); err != nil {
		b.t.Fatal(err)
	}
}

// open loads a console path and returns its HTTP status.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("opening %s: %v", path, err)
	}
	return resp.Status
}

// submit clicks a button that sends a form, waits for the page it leads
// to, and returns that page's HTTP status.
func (b *browser) submit(button string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("clicking %s: %v", button, err)
	}
	return resp.Status
}

// text returns the text of the first element sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// eval evaluates JavaScript in the page (through DevTools, not the page's
// own scripts: the CSP does not apply to it).
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// signin signs in through the form and returns the status of the page it
// leads to.
func (b *browser) signin(name, pw string) int64 {
	b.t.Helper()
	b.open("/signin")
	b.must(chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw))
	return b.submit(`form[action$="/signin"] button`)
}

// secureRig is a rig whose cookies are Secure, as in production: Chromium
// keeps Secure cookies from http://127.0.0.1 (a trustworthy origin).
func secureRig(t *testing.T) *rig {
	return newRig(t, func(c *console.Config) { c.InsecureCookies = false })
}

// screenshotDir is where screenshots go: $PASSERELLE_SCREENSHOTS (created
// if needed), else a temporary directory of the test (logged).
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PASSERELLE_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shoot saves a full-page PNG screenshot of the page as dir/name.png.
func (b *browser) shoot(dir, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// noCache makes every load a first load.
func (b *browser) noCache() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		b.t.Fatal(err)
	}
}

// weight is what the current page cost to load: the document and every
// resource it loaded, as transferred (headers included), from the
// browser's resource timing.
func (b *browser) weight() int {
	b.t.Helper()
	return eval[int](b, `performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource")).reduce((n, e) => n + e.transferSize, 0)`)
}

// waitFor waits until a JavaScript expression is true in the page, at most
// browserStep.
func (b *browser) waitFor(expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr)); err != nil {
		b.t.Fatalf("waiting for %s: %v", expr, err)
	}
}
