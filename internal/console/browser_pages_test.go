package console_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserEveryPage loads every page of the console in Chromium, in
// French and English, at 360 and 1280 px wide, with the cache off (a
// first load): it saves a full-page screenshot of each into
// $PASSERELLE_SCREENSHOTS (else a temporary directory, logged), checks that
// nothing is wider than the screen, that the browser reports no CSP
// violation or script error, and that each page weighs under 100 KB with
// all it loads (as transferred, headers included). Run with -v to see the
// weights.
func TestBrowserEveryPage(t *testing.T) {
	r := secureRig(t)
	id := fill(t, r)
	b := newBrowser(t, r)
	b.noCache()
	dir := screenshotDir(t)
	weights := map[string]int{}
	for _, lang := range []string{"fr", "en"} {
		b.open("/lang/" + lang + "?back=/console/signin")
		for _, width := range []int64{360, 1280} {
			b.must(chromedp.EmulateViewport(width, 800))
			for _, ps := range everyPage(id) {
				if ps.Name == "notfound" {
					continue
				}
				name := fmt.Sprintf("%s-%s-%d", ps.Name, lang, width)
				if ps.Name == "signin" {
					b.must(chromedp.Navigate(b.base + "/signin")) // signed out yet
				} else {
					b.load(t, ps)
				}
				b.checkLoaded(t, name, width)
				b.shoot(dir, name)
				weights[fmt.Sprintf("%-16s %s", ps.Name, lang)] = b.weight()
				if ps.Name == "signin" {
					if st := b.signin("amina", adminPW); st != http.StatusOK {
						t.Fatalf("sign-in: %d", st)
					}
				}
			}
			b.logout(t)
		}
	}
	var lines []string
	for k, w := range weights {
		lines = append(lines, fmt.Sprintf("%s %7d bytes", k, w))
		if w >= maxPageWeight {
			t.Errorf("%s weighs %d bytes, over %d", k, w, maxPageWeight)
		}
	}
	sort.Strings(lines)
	t.Logf("screenshots in %s", dir)
	t.Logf("page weights on first load in Chromium (document + CSS + script, as transferred, headers included):\n%s", strings.Join(lines, "\n"))
}

// load shows a page as staff reach it: a GET, or its form filled and sent.
func (b *browser) load(t *testing.T, ps pageSpec) {
	t.Helper()
	st := b.open(ps.Path)
	switch {
	case ps.Form == nil:
		if st != http.StatusOK {
			t.Fatalf("%s: %d", ps.Path, st)
		}
		return
	case ps.Form.Get("do") == "preview":
		b.must(
			chromedp.SendKeys(chromedp.CSS(`input[name=name]`), ps.Form.Get("name")),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=text_fr]`), ps.Form.Get("text_fr")),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=text_en]`), ps.Form.Get("text_en")),
			chromedp.Click(chromedp.CSS(`input[name=region][value=ouest]`)),
		)
		st = b.submit(`button[value=preview]`)
	case ps.Form.Get("do") == "start":
		if st = b.submit(`button[value=start]`); st == http.StatusOK {
			b.must(chromedp.SendKeys(chromedp.CSS(`input[name=input]`), "1"))
			st = b.submit(`button[value=send]`)
		}
	}
	if st != http.StatusOK {
		t.Fatalf("%s sent: %d", ps.Name, st)
	}
}

// checkLoaded checks that the page is no wider than the screen, that its
// stylesheet applied, and that no script error or CSP violation happened.
func (b *browser) checkLoaded(t *testing.T, name string, width int64) {
	t.Helper()
	if w := eval[int64](b, `document.documentElement.scrollWidth`); w > width {
		t.Errorf("%s: %d px wide on a %d px screen", name, w, width)
	}
	if bg := eval[string](b, `getComputedStyle(document.querySelector("header.top")).backgroundColor`); bg != "rgb(16, 50, 79)" {
		t.Errorf("%s: the stylesheet did not apply (header %s)", name, bg)
	}
}

// logout ends the session by its form.
func (b *browser) logout(t *testing.T) {
	t.Helper()
	b.open("/flows")
	if st := b.submit(`header form button`); st != http.StatusOK {
		t.Fatalf("sign-out: %d", st)
	}
}
