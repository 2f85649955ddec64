// Package content loads a deployment's flows and texts together and checks
// them as a whole: references, translations and screen budgets. The server,
// `passerelle lint` and the tests all load content through it.
package content

import (
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/l10n"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
)

// Content is a loaded set of flows and their texts.
type Content struct {
	Set     *flow.Set
	Catalog *l10n.Catalog
	Engine  *flow.Engine
}

// Load reads flows and locales. It returns an error only when a file cannot
// be read or parsed; call Check for everything else.
func Load(flows, locales fs.FS, log *slog.Logger) (*Content, error) {
	set, err := flow.Load(flows)
	if err != nil {
		return nil, fmt.Errorf("error loading flows: %w", err)
	}
	cat, err := l10n.Load(locales, log)
	if err != nil {
		return nil, fmt.Errorf("error loading locales: %w", err)
	}
	return &Content{Set: set, Catalog: cat, Engine: flow.NewEngine(set)}, nil
}

// Check returns every problem of the content: the flow validator's, texts
// missing in a reference language (l10n.Langs), message IDs named by send_sms
// actions that have no reference text, language codes the flows offer with
// no locale file, and any USSD page over budget in any language. A language
// other than the reference ones may lack texts: Report warns about those.
func (c *Content) Check(budget int) []flow.Problem {
	probs := flow.Validate(c.Set, c.Catalog, l10n.Langs)
	missing := c.Catalog.Missing()
	for _, lang := range l10n.Langs {
		for _, id := range missing[lang] {
			probs = append(probs, flow.Problem{File: "locales", Text: fmt.Sprintf("message %q has no %s text", id, lang)})
		}
	}
	probs = append(probs, c.checkLanguages()...)
	r := render.New(c.Catalog, c.Set, budget)
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		flowName, _, _ := strings.Cut(key, ":")
		for _, a := range n.Do {
			name, arg, _ := strings.Cut(a, ":")
			if flow.SendsSMS(name) {
				for _, l := range l10n.Langs {
					if arg == "" || !c.Catalog.Has(l, arg) {
						probs = append(probs, flow.Problem{File: c.Set.File(flowName), Node: key, Text: fmt.Sprintf("send_sms message %q has no %s text", arg, l)})
					}
				}
			}
		}
		if n.Type == flow.Branch {
			continue
		}
		for _, l := range c.measured(r, key) {
			for i, p := range l.pages {
				if n := len([]rune(p)); n > budget {
					probs = append(probs, flow.Problem{File: c.Set.File(flowName), Node: key, Text: fmt.Sprintf("%s page %d has %d characters, over the budget of %d", l.lang, i+1, n, budget)})
				}
			}
		}
	}
	return probs
}

// checkLanguages returns a problem for every language code the flows offer
// (a value of a menu saving "lang", the argument of set_language) that is
// ill-formed or has no locale file: set_language would refuse it.
func (c *Content) checkLanguages() []flow.Problem {
	var probs []flow.Problem
	check := func(key, what, code string) {
		flowName, _, _ := strings.Cut(key, ":")
		if _, err := msg.ParseLang(code); err != nil {
			probs = append(probs, flow.Problem{File: c.Set.File(flowName), Node: key,
				Text: fmt.Sprintf("%s %q is not a language code: want 2 or 3 lowercase letters (fr, en, pcm)", what, code)})
			return
		}
		if !c.Catalog.HasLang(msg.Lang(code)) {
			probs = append(probs, flow.Problem{File: c.Set.File(flowName), Node: key,
				Text: fmt.Sprintf("%s %q has no locale file: add NAME.%s.yaml to the locales", what, code, code)})
		}
	}
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		if n.Type == flow.Menu && n.Save == "lang" {
			for i, o := range n.Options {
				if o.Value != "" {
					check(key, fmt.Sprintf("option %d offers language", i+1), o.Value)
				}
			}
		}
		for _, a := range n.Do {
			if name, arg, _ := strings.Cut(a, ":"); name == flow.ActSetLanguage && arg != "" {
				check(key, "set_language", arg)
			}
		}
	}
	return probs
}

// langPages are a node's USSD pages in one language.
type langPages struct {
	lang  msg.Lang
	pages []string
}

// measured returns a node's pages in every language of the catalog, leaving
// out a partial language's pages that are the fallback language's own
// (nothing of the screen is translated): they are measured once, there.
func (c *Content) measured(r *render.Renderer, key string) []langPages {
	var out []langPages
	fallback := c.Pages(r, key, l10n.Fallback)
	for _, l := range c.Catalog.Languages() {
		pages := fallback
		if l != l10n.Fallback {
			pages = c.Pages(r, key, l)
		}
		if !l10n.IsReference(l) && slices.Equal(pages, fallback) {
			continue
		}
		out = append(out, langPages{lang: l, pages: pages})
	}
	return out
}

// Pages renders a node's USSD pages in lang with the longest answers a
// person could give, as the worst case for the budget.
func (c *Content) Pages(r *render.Renderer, key string, lang msg.Lang) []string {
	st := flow.State{Node: key, Lang: lang, Answers: c.WorstAnswers(lang)}
	return r.Pages(msg.USSD, c.Engine.Screen(st), lang, st.Answers)
}

// WorstAnswers returns, for every answer key, the longest value a person
// could give in lang: the value whose label is longest for menus, a string of
// the check's maximum length for inputs.
func (c *Content) WorstAnswers(lang msg.Lang) map[string]string {
	out := map[string]string{"ref": "XXXXXX"}
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		if n.Save == "" {
			continue
		}
		switch n.Type {
		case flow.Input:
			max := 60
			if n.Check != nil && n.Check.Max > 0 {
				max = n.Check.Max
			}
			out[n.Save] = strings.Repeat("W", max)
		case flow.Menu:
			best := -1
			for _, o := range n.Options {
				if l := len([]rune(c.Catalog.Text(lang, o.Label, nil))); l > best {
					best, out[n.Save] = l, o.Value
				}
			}
		}
	}
	return out
}
