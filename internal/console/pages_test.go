package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
)

// auditOf returns who:action of the newest audit entries, newest first.
func auditOf(t *testing.T, r *rig) string {
	t.Helper()
	es, err := r.Store.AuditEntries(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Fields["who"]+":"+e.Fields["action"])
	}
	return strings.Join(out, " ")
}

func TestRegistrationsPage(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.register(t, 60)
	c := r.client(t)
	c.mustSignin(t, "carine", casePW)

	p := c.get(t, "/registrations?region=littoral")
	if p.Status != 200 || !strings.Contains(p.Body, "30 inscriptions") || strings.Contains(p.Body, ">ouest<") && strings.Count(p.Body, "<td>ouest</td>") > 0 {
		t.Fatalf("filtered: %d %.500s", p.Status, p.Body)
	}
	if n := strings.Count(p.Body, `<td><a href="/console/registrations/R`); n != 25 {
		t.Fatalf("first page lists %d, want 25", n)
	}
	next := regexp.MustCompile(`href="/console(/registrations\?[^"]*offset=25[^"]*)" rel="next"`).FindStringSubmatch(p.Body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	p = c.get(t, strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := strings.Count(p.Body, `<td><a href="/console/registrations/R`); n != 5 || strings.Contains(p.Body, `rel="next"`) {
		t.Fatalf("second page lists %d", n)
	}
	one := c.get(t, "/registrations/r00001")
	if one.Status != 200 || !strings.Contains(html.UnescapeString(one.Body), "+237670000001") || !strings.Contains(one.Body, "Person 1") {
		t.Fatalf("one registration: %d %.300s", one.Status, one.Body)
	}
	if p := c.get(t, "/registrations/NOPE"); p.Status != http.StatusNotFound {
		t.Fatalf("unknown: %d", p.Status)
	}
	csv := c.get(t, "/registrations.csv")
	if csv.Status != 200 || !strings.HasPrefix(csv.Body, "ref,created,lang,channel,phone,name") || strings.Count(csv.Body, "\n") != 61 {
		t.Fatalf("csv: %d, %d lines", csv.Status, strings.Count(csv.Body, "\n"))
	}
	if a := auditOf(t, r); !strings.Contains(a, "carine:export_registrations carine:read_registration") || !strings.Contains(a, "carine:read_registrations") {
		t.Fatalf("audit %s", a)
	}

	// Erasure: refused without the typed reference, done with it.
	tok := csrf(t, one)
	if p := c.post(t, "/registrations/R00001/erase", url.Values{"csrf": {tok}, "confirm": {"R00002"}}); p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong confirmation: %d", p.Status)
	}
	if _, err := r.Store.Registration(context.Background(), "R00001"); err != nil {
		t.Fatalf("erased without confirmation: %v", err)
	}
	if p := c.post(t, "/registrations/R00001/erase", url.Values{"csrf": {tok}, "confirm": {" r00001 "}}); p.Status != http.StatusSeeOther {
		t.Fatalf("erasure: %d %.300s", p.Status, p.Body)
	}
	if _, err := r.Store.Registration(context.Background(), "R00001"); err == nil {
		t.Fatal("still there after the erasure")
	}
	if a := auditOf(t, r); !strings.Contains(a, "carine:erase") {
		t.Fatalf("audit %s", a)
	}
}

func TestCallbacksPage(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	ctx := context.Background()
	now := time.Now()
	for i, cb := range []msg.Callback{
		{Ref: "CBOLD", Topic: "support", Created: now.Add(-time.Hour)},
		{Ref: "CBURG", Topic: "emergency", Created: now.Add(-2 * time.Hour)},
		{Ref: "CBNEW", Topic: "support", Created: now},
	} {
		cb.Phone = msg.Address("+23767000010" + string(rune('0'+i)))
		cb.Person, cb.Lang = r.Hasher.Person(cb.Phone), msg.French
		if err := r.Store.SaveCallback(ctx, cb); err != nil {
			t.Fatal(err)
		}
	}
	c := r.client(t)
	c.mustSignin(t, "carine", casePW)
	p := c.get(t, "/callbacks")
	urg, nw, old := strings.Index(p.Body, "CBURG"), strings.Index(p.Body, "CBNEW"), strings.Index(p.Body, "CBOLD")
	if p.Status != 200 || urg < 0 || !(urg < nw && nw < old) {
		t.Fatalf("order: urgent %d, new %d, old %d", urg, nw, old)
	}
	if !strings.Contains(p.Body, "<option>carine</option>") || strings.Contains(p.Body, "<option>vic</option>") {
		t.Fatal("assignees: want the caseworkers and administrators only")
	}
	tok := csrf(t, p)
	if p := c.post(t, "/callbacks/CBURG/assign", url.Values{"csrf": {tok}, "staff": {"carine"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d", p.Status)
	}
	if p := c.post(t, "/callbacks/CBURG/done", url.Values{"csrf": {tok}, "note": {"Rappelée, orientée vers l'OIM"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("done: %d", p.Status)
	}
	if p := c.post(t, "/callbacks/NOPE/done", url.Values{"csrf": {tok}}); p.Status != http.StatusNotFound {
		t.Fatalf("unknown: %d", p.Status)
	}
	all := c.get(t, "/callbacks?all=1")
	if !strings.Contains(all.Body, "Rappelée, orientée vers l&#39;OIM") || !strings.Contains(all.Body, "<dd>carine</dd>") {
		t.Fatalf("all: %.2000s", all.Body)
	}
	if a := auditOf(t, r); !strings.Contains(a, "carine:close_callback carine:assign_callback carine:read_callbacks") {
		t.Fatalf("audit %s", a)
	}
}

func TestComposeCampaign(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.register(t, 9) // 3 in English, 6 in French
	c := r.client(t)
	tok := c.mustSignin(t, "marc", managerPW)
	form := url.Values{"csrf": {tok}, "name": {"Formation"}, "text_fr": {"Formation à Bafoussam mardi : l’OIM vous attend."},
		"text_en": {"Training in Bafoussam on Tuesday."}, "fallback": {"fr"}, "registered": {"1"}, "do": {"preview"}, "window": {"48h"}}
	p := c.post(t, "/campaigns/new", form)
	for _, want := range []string{`<strong id="audience">9</strong>`, "48 caractères · ucs2 · 1 SMS", "33 caractères · gsm7 · 1 SMS",
		"Formation à Bafoussam mardi : l&#39;OIM vous attend.", "48 caractères · gsm7 · 1 SMS", "225.00 XAF"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	form.Set("region", "littoral")
	if p := c.post(t, "/campaigns/new", form); !strings.Contains(p.Body, `<strong id="audience">4</strong>`) {
		t.Errorf("the audience does not follow the filter")
	}
	// The same, as JSON for the page's script; the CSRF token is required.
	live := c.post(t, "/campaigns/preview", form)
	if live.Status != 200 || live.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(live.Body, `"audience":"4"`) || !strings.Contains(live.Body, `"fr":"48 caractères · ucs2 · 1 SMS"`) {
		t.Fatalf("live preview: %d %s", live.Status, live.Body)
	}
	noToken := url.Values{"registered": {"1"}}
	if p := c.post(t, "/campaigns/preview", noToken); p.Status != http.StatusForbidden {
		t.Fatalf("live preview without a token: %d", p.Status)
	}
	form.Set("text_fr", strings.Repeat("ê", 300))
	form.Set("do", "create")
	if p := c.post(t, "/campaigns/new", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "segments") {
		t.Fatalf("a text over the limit: %d", p.Status)
	}
	form.Set("text_fr", "Formation mardi.")
	form.Set("reply", "outreach:nowhere")
	if p := c.post(t, "/campaigns/new", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "no node outreach:nowhere") {
		t.Fatalf("a reply to no entry: %d", p.Status)
	}
	form.Set("reply", "outreach:training")
	p = c.post(t, "/campaigns/new", form)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/console/campaigns/C") {
		t.Fatalf("create: %d %q", p.Status, p.Location)
	}
	id := strings.TrimPrefix(strings.Split(p.Location, "?")[0], "/console/campaigns/")
	camp := c.get(t, "/campaigns/"+id)
	if !strings.Contains(camp.Body, "brouillon") || !strings.Contains(camp.Body, "/"+id+"/start") || strings.Contains(camp.Body, "/"+id+"/pause") {
		t.Fatalf("draft page: %.400s", camp.Body)
	}
	if p := c.post(t, "/campaigns/"+id+"/pause", url.Values{"csrf": {tok}}); p.Status != http.StatusConflict {
		t.Fatalf("pause a draft: %d", p.Status)
	}
	if p := c.post(t, "/campaigns/"+id+"/start", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther {
		t.Fatalf("start: %d", p.Status)
	}
	got, err := r.Store.Campaign(context.Background(), id)
	if err != nil || got.State != broadcast.Sending || got.Audience.Region[0] != "littoral" || got.Reply == nil || got.Reply.Window != "48h" {
		t.Fatalf("campaign %+v %v", got, err)
	}
	if p := c.get(t, "/campaigns/"+id); !strings.Contains(p.Body, `<meta http-equiv="refresh" content="3">`) {
		t.Fatal("a sending campaign's page does not reload itself")
	}
	if a := auditOf(t, r); !strings.Contains(a, "marc:campaign_sending marc:campaign_create") {
		t.Fatalf("audit %s", a)
	}
}

// TestSimulatorRegistration walks the registration flow in English over
// USSD to its reference code, on the simulator's store: the gateway's
// store gets no registration.
func TestSimulatorRegistration(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	c := r.client(t)
	tok := c.mustSignin(t, "vic", viewerPW)
	p := c.post(t, "/flows/simulator", url.Values{"csrf": {tok}, "do": {"start"}, "mode": {"ussd"}, "lang": {"en"}})
	for _, in := range []string{"1", "1", "John Ayuk", "3", "2", "7", "Bamenda", "3", "5", "1"} {
		if !strings.Contains(p.Body, `name="input"`) {
			t.Fatalf("before %q: no input on the phone: %.1500s", in, p.Body)
		}
		form := url.Values{"csrf": {tok}, "do": {"send"}, "input": {in}}
		for _, f := range []string{"mode", "lang", "phone", "session", "text", "hops", "open", "answered"} {
			m := regexp.MustCompile(`name="` + f + `" value="([^"]*)"`).FindStringSubmatch(p.Body)
			if m == nil {
				t.Fatalf("no field %s", f)
			}
			form.Set(f, strings.ReplaceAll(m[1], "&#43;", "+"))
		}
		p = c.post(t, "/flows/simulator", form)
	}
	ref := regexp.MustCompile(`Ref: ([A-Z0-9]+)`).FindStringSubmatch(p.Body)
	if ref == nil || !strings.Contains(p.Body, "Thank you John Ayuk") {
		t.Fatalf("no reference at the end: %.2000s", p.Body)
	}
	if _, err := r.sim.Store.Registration(context.Background(), ref[1]); err != nil {
		t.Fatalf("the simulator's store lacks %s: %v", ref[1], err)
	}
	if _, n, _ := r.Store.Registrations(context.Background(), msg.Filter{Limit: 10}); n != 0 {
		t.Fatalf("the gateway's store got %d registrations", n)
	}
}
