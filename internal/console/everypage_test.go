package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/msg"
)

// maxPageWeight is the most a page may weigh on first load: HTML and
// everything it loads.
const maxPageWeight = 100 << 10

// fill gives the rig something on every page: registrations over the last
// weeks, call-back requests (one urgent), a campaign, hops of every flow
// (the funnel) and a dead letter-free outbox.
func fill(t testing.TB, r *rig) (campaign string) {
	t.Helper()
	ctx := context.Background()
	r.register(t, 120)
	for i, topic := range []string{"emergency", "support", "documents"} {
		p := msg.Address(fmt.Sprintf("+23769000000%d", i))
		cb := msg.Callback{Ref: fmt.Sprintf("CB%d", i), Person: r.Hasher.Person(p), Phone: p, Lang: msg.French, Region: "est", Topic: topic, Created: time.Now().Add(-time.Duration(i) * time.Hour)}
		if err := r.Store.SaveCallback(ctx, cb); err != nil {
			t.Fatal(err)
		}
	}
	// Conversations through the real service feed the funnel.
	for i := 0; i < 4; i++ {
		ph := r.Phone(msg.Address(fmt.Sprintf("+23768000000%d", i)))
		if _, err := ph.Dial(ctx); err != nil {
			t.Fatal(err)
		}
		for _, in := range []string{"1", "1", "1"}[:i%4] {
			if _, err := ph.Answer(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := broadcast.Campaign{ID: "CTEST000001", Name: "Formation Bafoussam", Texts: map[string]string{"fr": "Formation mardi à Bafoussam.", "en": "Training on Tuesday in Bafoussam."},
		Fallback: "fr", Audience: broadcast.Audience{Registered: true, Region: []string{"ouest"}}, Rate: 5, State: broadcast.Draft, Created: time.Now(), Updated: time.Now()}
	if err := r.Store.CreateCampaign(ctx, c, "marc"); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// pageSpec is one console page as staff reach it: a GET, or a form sent.
type pageSpec struct {
	Name string
	Path string
	Form url.Values // nil: GET
}

// everyPage lists every page of the console (an administrator sees them
// all).
func everyPage(campaign string) []pageSpec {
	return []pageSpec{
		{Name: "signin", Path: "/signin"},
		{Name: "overview", Path: "/"},
		{Name: "registrations", Path: "/registrations?region=ouest"},
		{Name: "registration", Path: "/registrations/R00002"},
		{Name: "callbacks", Path: "/callbacks"},
		{Name: "campaigns", Path: "/campaigns"},
		{Name: "campaign", Path: "/campaigns/" + campaign},
		{Name: "compose", Path: "/campaigns/new"},
		{Name: "compose-preview", Path: "/campaigns/new", Form: url.Values{"do": {"preview"}, "name": {"Test"},
			"text_fr": {"Formation à Bafoussam mardi : l’OIM vous attend."}, "text_en": {"Training in Bafoussam on Tuesday."},
			"fallback": {"fr"}, "registered": {"1"}, "region": {"ouest"}}},
		{Name: "flows", Path: "/flows"},
		{Name: "simulator", Path: "/flows/simulator"},
		{Name: "simulator-phone", Path: "/flows/simulator", Form: url.Values{"do": {"start"}, "mode": {"ussd"}, "lang": {"fr"}}},
		{Name: "audit", Path: "/audit"},
		{Name: "accounts", Path: "/accounts"},
		{Name: "notfound", Path: "/nowhere"},
	}
}

var (
	assetRef     = regexp.MustCompile(`(?:href|src)="(/console/static/[^"]+)"`)
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`)
	outside      = regexp.MustCompile(`(?:href|src|action)="(?:https?:)?//`)
)

// TestEveryPage: every page in both languages answers, shows no missing
// text, carries the strict CSP, has no inline script, style or event
// handler, loads nothing from another site and weighs under 100 KB with
// what it loads. Run with -v to see the weights.
func TestEveryPage(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	id := fill(t, r)
	weights := map[string]string{}
	for _, lang := range []string{"fr", "en"} {
		c := r.client(t)
		if lang == "en" {
			c.get(t, "/lang/en?back=/console/")
		}
		tok := c.mustSignin(t, "amina", adminPW)
		for _, ps := range everyPage(id) {
			t.Run(lang+"/"+ps.Name, func(t *testing.T) {
				var p page
				switch {
				case ps.Name == "signin": // signed out
					cc := r.client(t)
					cc.get(t, "/lang/"+lang+"?back=/console/")
					p = cc.get(t, ps.Path)
				case ps.Form != nil:
					f := url.Values{"csrf": {tok}}
					for k, v := range ps.Form {
						f[k] = v
					}
					p = c.post(t, ps.Path, f)
				default:
					p = c.get(t, ps.Path)
				}
				want := http.StatusOK
				if ps.Name == "notfound" {
					want = http.StatusNotFound
				}
				if p.Status != want {
					t.Fatalf("%d, want %d: %.300s", p.Status, want, p.Body)
				}
				if ps.Name == "notfound" {
					return
				}
				checkPage(t, p, lang)
				weight := len(p.Body)
				for _, m := range assetRef.FindAllStringSubmatch(p.Body, -1) {
					weight += len(c.get(t, strings.TrimPrefix(m[1], "/console")).Body)
				}
				if weight >= maxPageWeight {
					t.Errorf("%d bytes, over %d", weight, maxPageWeight)
				}
				weights[fmt.Sprintf("%-16s %s", ps.Name, lang)] = fmt.Sprintf("%7d bytes (HTML %d)", weight, len(p.Body))
			})
		}
	}
	var lines []string
	for k, v := range weights {
		lines = append(lines, k+" "+v)
	}
	sort.Strings(lines)
	t.Logf("page weights on first load (HTML + CSS + script):\n%s", strings.Join(lines, "\n"))
}

// checkPage checks a page's headers and markup.
func checkPage(t *testing.T, p page, lang string) {
	t.Helper()
	if csp := p.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	if p.Header.Get("X-Content-Type-Options") != "nosniff" || p.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", p.Header)
	}
	if strings.Contains(p.Body, "[[") {
		t.Errorf("missing text: %s", regexp.MustCompile(`\[\[[^\]]*\]\]`).FindString(p.Body))
	}
	if !strings.Contains(p.Body, `<html lang="`+lang+`">`) {
		t.Errorf("not in %s", lang)
	}
	for _, bad := range []*regexp.Regexp{inlineScript, outside, regexp.MustCompile(`\sstyle=`), regexp.MustCompile(`\son[a-z]+=`)} {
		if m := bad.FindString(p.Body); m != "" {
			t.Errorf("forbidden markup %q", m)
		}
	}
}

// TestTexts: every text has both languages, and French and English differ
// where they should.
func TestTexts(t *testing.T) {
	t.Parallel()
	for key, tt := range console.Texts {
		if strings.TrimSpace(tt[0]) == "" || strings.TrimSpace(tt[1]) == "" {
			t.Errorf("%s: a language is empty", key)
		}
		if strings.Count(tt[0], "%") != strings.Count(tt[1], "%") {
			t.Errorf("%s: the languages take different arguments", key)
		}
	}
}
