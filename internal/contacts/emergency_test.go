package contacts_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/contacts"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/smstext"
	"github.com/passerelle/passerelle/locales"
)

// budget is the operators' USSD screen budget (content.md).
const budget = 182

// long is a contact point of the longest length deploy/contacts.yaml
// advises (about 30 characters).
var long = strings.Repeat("9", 30)

// shipped loads the shipped flows and texts.
func shipped(t *testing.T) *content.Content {
	t.Helper()
	c, err := content.Load(flows.FS, locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// directory parses a contacts file.
func directory(t *testing.T, file string) *contacts.Directory {
	t.Helper()
	d, err := contacts.Parse([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// screen renders a node's USSD pages for a person of region, in lang (a
// reference code, where the page shows one, of its six characters).
func screen(c *content.Content, r *render.Renderer, key string, lang msg.Lang, region string) []string {
	answers := map[string]string{"ref": "K7M3QX"}
	if region != "" {
		answers["region"] = region
	}
	st := flow.State{Node: key, Lang: lang, Answers: answers}
	return r.Pages(msg.USSD, c.Engine.Screen(st), lang, answers)
}

// TestEmergencyPage: the shipped emergency page and its SMS, with the
// hotline empty and set, in both languages. Empty, the page says what to do
// now (get to safety, the emergency number when staff set one, the urgent
// call-back of option 2) and never shows "staff call you back on request"
// in place of a number; set, it gives the numbers to call. Every variant is
// one GSM-7 screen within the budget, and its SMS one GSM-7 segment, with
// contact points of 30 characters.
func TestEmergencyPage(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	type words struct{ safety, callNow, urgent, emergency, hotline, unhcr, option, smsCallback, missing string }
	lw := map[msg.Lang]words{
		msg.French: {"à l'abri", "Puis tapez 2: un agent vous rappelle en priorité.", "rappel urgent", "Urgences: ",
			"Ligne d'aide: ", "HCR: ", "2. Rappel urgent", "Rappel urgent: menu Soutien, puis Urgence.", "rappelle sur demande"},
		msg.English: {"safe place", "Then press 2: staff will call you back as a priority.", "urgent call-back", "Emergency: ",
			"Helpline: ", "UNHCR: ", "2. Urgent call-back", "Urgent call-back: menu Support, then Emergency.", "call you back on request"},
	}
	cases := []struct {
		label, file, region string
		hotline, emergency  bool
		unhcr               bool
	}{
		{label: "no contacts file"},
		{label: "emergency number only", file: `default: {emergency: "` + long + `"}`, emergency: true},
		{label: "hotline only", file: `default: {hotline: "` + long + `"}`, hotline: true},
		{label: "everything set", file: `default: {hotline: "` + long + `", emergency: "` + long + `", unhcr: "` + long + `"}`,
			hotline: true, emergency: true, unhcr: true},
		{label: "no hotline, the rest set", file: `default: {emergency: "` + long + `", unhcr: "` + long + `"}`, emergency: true, unhcr: true},
		{label: "hotline of another region", file: `regions: {est: {hotline: "` + long + `"}}`, region: "centre"},
		{label: "hotline of the region", file: `regions: {est: {hotline: "` + long + `"}}`, region: "est", hotline: true},
	}
	for _, tc := range cases {
		for _, lang := range []msg.Lang{msg.French, msg.English} {
			t.Run(tc.label+"/"+string(lang), func(t *testing.T) {
				t.Parallel()
				w := lw[lang]
				r := render.New(c.Catalog, c.Set, budget).WithContacts(directory(t, tc.file))
				pages := screen(c, r, "support:emergency", lang, tc.region)
				if len(pages) != 1 {
					t.Fatalf("%d pages, want 1: %q", len(pages), pages)
				}
				page := pages[0]
				if info := smstext.Count(page); info.Chars > budget || info.Encoding != smstext.GSM7 {
					t.Errorf("%d characters in %v, want at most %d in GSM-7:\n%s", info.Chars, info.Encoding, budget, page)
				}
				has := func(s string, want bool) {
					t.Helper()
					if strings.Contains(page, s) != want {
						t.Errorf("page shows %q: %v, want %v:\n%s", s, !want, want, page)
					}
				}
				has(w.safety, true)
				has(w.option, true)
				has(w.callNow, !tc.hotline)
				has(w.hotline+long, tc.hotline)
				has(w.hotline, tc.hotline)
				has(w.emergency+long, tc.emergency)
				has(w.emergency, tc.emergency)
				has(w.missing, false)
				has("<no value>", false)
				has("\n\n", false)

				sms := r.Message(lang, "support.sms_emergency", map[string]string{"region": tc.region})
				if info := smstext.Count(sms); info.Segments != 1 || info.Encoding != smstext.GSM7 {
					t.Errorf("SMS in %d segments of %v, want 1 in GSM-7: %s", info.Segments, info.Encoding, sms)
				}
				for _, s := range []struct {
					text string
					want bool
				}{{w.smsCallback, !tc.hotline}, {w.hotline + long, tc.hotline}, {w.emergency + long, tc.emergency}, {w.unhcr + long, tc.unhcr}, {w.missing, false}, {"<no value>", false}} {
					if strings.Contains(sms, s.text) != s.want {
						t.Errorf("SMS shows %q: %v, want %v: %s", s.text, !s.want, s.want, sms)
					}
				}

				done := screen(c, r, "support:callback_emergency", lang, tc.region)
				if len(done) != 1 || !strings.Contains(strings.ToLower(done[0]), w.urgent) {
					t.Errorf("urgent call-back screen %q lacks %q", done, w.urgent)
				}
			})
		}
	}
}

// TestSupportWithContacts: every support screen stays within the budget, in
// GSM-7, with every contact point set to 30 characters (lint measures them
// with contact points empty, as shipped).
func TestSupportWithContacts(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	var file strings.Builder
	file.WriteString("default: {")
	for i, k := range contacts.Kinds {
		if i > 0 {
			file.WriteString(", ")
		}
		file.WriteString(k + `: "` + long + `"`)
	}
	file.WriteString("}")
	r := render.New(c.Catalog, c.Set, budget).WithContacts(directory(t, file.String()))
	n := 0
	for _, key := range c.Set.Keys() {
		if node, _ := c.Set.Node(key); !strings.HasPrefix(key, "support:") || node.Type == flow.Branch {
			continue
		}
		n++
		for _, lang := range []msg.Lang{msg.French, msg.English} {
			for i, p := range screen(c, r, key, lang, "") {
				if info := smstext.Count(p); info.Chars > budget || info.Encoding != smstext.GSM7 || strings.Contains(p, "<no value>") {
					t.Errorf("%s %s page %d: %d characters in %v:\n%s", key, lang, i+1, info.Chars, info.Encoding, p)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no support screen")
	}
}
