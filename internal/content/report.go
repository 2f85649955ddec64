package content

import (
	"fmt"
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/l10n"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/smstext"
)

// UCS2ScreenLimit is the length past which a UCS-2 USSD page is flagged:
// operators may cut UCS-2 screens near 80 characters.
const UCS2ScreenLimit = 80

// Severity tells whether a problem fails `passerelle lint`.
type Severity string

// Severities. An error fails lint (exit status 1); a warning is shown only.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem kinds, stable for tools reading `passerelle lint --json`.
const (
	// KindContent is a problem Check finds: a dangling reference, an unknown
	// or untranslated message, an unreachable node, a page over the budget.
	KindContent = "content"
	// KindUnused is a message defined in locales that nothing shows.
	KindUnused = "unused"
	// KindCodeMessage is a message Go code shows that lacks a language.
	KindCodeMessage = "code_message"
	// KindUCS2Page is a UCS-2 USSD page longer than UCS2ScreenLimit.
	KindUCS2Page = "ucs2_page"
	// KindLoad is a flow or locale file that cannot be read or parsed; the
	// report then holds nothing else.
	KindLoad = "load"
	// KindPartialLanguage is a language other than the reference ones
	// that lacks texts: its people see them in the fallback language.
	KindPartialLanguage = "partial_language"
	// KindLanguageBranch is a branch on the language that names every
	// reference language but not another language of the catalog: people
	// who chose it take the branch's default.
	KindLanguageBranch = "language_branch"
	// KindContact is a contact point that texts show but that the contacts
	// file leaves empty for some region (a warning: the hotline, the
	// emergency number), or a contacts file that cannot be read (an error).
	KindContact = "contact"
)

// Problem is one finding of a Report.
type Problem struct {
	Severity Severity `json:"severity"`
	Kind     string   `json:"kind"`
	// File is the flow file, "locales", or "" for the whole content.
	File string `json:"file,omitempty"`
	// Node is the node's full key ("flow:node"), if the problem has one.
	Node string `json:"node,omitempty"`
	Text string `json:"text"`
}

// String returns the problem on one line: "error: file: node: text".
func (p Problem) String() string {
	s := string(p.Severity) + ": "
	if p.File != "" {
		s += p.File + ": "
	}
	if p.Node != "" {
		s += p.Node + ": "
	}
	return s + p.Text
}

// MessageCost is what one message costs as an SMS in one language. A text
// with a template is measured filled with the longest answers (WorstAnswers).
type MessageCost struct {
	ID       string           `json:"id"`
	Lang     msg.Lang         `json:"lang"`
	Chars    int              `json:"chars"`
	Encoding smstext.Encoding `json:"encoding"` // "gsm7" or "ucs2"
	Segments int              `json:"segments"`
}

// ScreenFit is how one node's USSD screen pages in one language, filled with
// the longest answers and paged at the budget.
type ScreenFit struct {
	Node  string   `json:"node"`
	Lang  msg.Lang `json:"lang"`
	Pages int      `json:"pages"`
	// Longest is the length of the longest page, in characters.
	Longest int `json:"longest"`
	// Fits tells that every page is within the budget.
	Fits bool `json:"fits"`
	// UCS2 tells that some page needs UCS-2 (a character outside GSM-7).
	UCS2 bool `json:"ucs2"`
}

// LanguageCoverage is how complete one language's texts are.
type LanguageCoverage struct {
	Lang msg.Lang `json:"lang"`
	// Reference tells a reference language (l10n.Langs), which must have
	// every text; the others may be partial.
	Reference bool `json:"reference"`
	// Texts counts the messages with a text of their own in the language.
	Texts int `json:"texts"`
	// Missing lists, sorted, the messages a reference language has and
	// this one lacks (see l10n.Catalog.Missing): errors in a reference
	// language, shown in Fallback in any other.
	Missing []string `json:"missing"`
	// Fallback is the language shown where a text is missing
	// (l10n.Fallback), empty for a reference language.
	Fallback msg.Lang `json:"fallback,omitempty"`
}

// Report is everything `passerelle lint` tells about a content: its
// problems, the languages and how complete each is, the SMS cost of every
// message and the paging of every USSD screen. Its JSON form is documented
// in docs/lint.md.
type Report struct {
	Budget    int                `json:"budget"`
	Problems  []Problem          `json:"problems"`
	Languages []LanguageCoverage `json:"languages"`
	Messages  []MessageCost      `json:"messages"`
	Screens   []ScreenFit        `json:"screens"`
}

// Failed returns the report of a content that did not load: one error of
// kind KindLoad and nothing measured.
func Failed(budget int, err error) Report {
	return Report{Budget: budget, Problems: []Problem{{Severity: SeverityError, Kind: KindLoad, Text: err.Error()}},
		Languages: []LanguageCoverage{}, Messages: []MessageCost{}, Screens: []ScreenFit{}}
}

// Count returns how many problems have severity s.
func (r Report) Count(s Severity) int {
	n := 0
	for _, p := range r.Problems {
		if p.Severity == s {
			n++
		}
	}
	return n
}

// Report checks the content at a USSD budget and measures it. shown lists
// the message IDs Go code shows itself (chat.Messages): they count as used
// and must exist in every reference language. Problems are Check's, plus
// unused messages and untranslated shown ones (errors), plus UCS-2 pages
// over UCS2ScreenLimit, the texts each partial language lacks and branches
// on the language that forget one (warnings).
func (c *Content) Report(budget int, shown []string) Report {
	rep := Report{Budget: budget, Problems: []Problem{}}
	var partial []Problem
	rep.Languages, partial = c.coverage()
	for _, p := range c.Check(budget) {
		rep.Problems = append(rep.Problems, Problem{Severity: SeverityError, Kind: KindContent, File: p.File, Node: p.Node, Text: p.Text})
	}
	for _, id := range shown {
		for _, l := range l10n.Langs {
			if !c.Catalog.Has(l, id) {
				rep.Problems = append(rep.Problems, Problem{Severity: SeverityError, Kind: KindCodeMessage, File: "locales",
					Text: fmt.Sprintf("message %q, shown by the service, has no %s text", id, l)})
			}
		}
	}
	for _, id := range c.Unused(shown) {
		rep.Problems = append(rep.Problems, Problem{Severity: SeverityError, Kind: KindUnused, File: "locales",
			Text: fmt.Sprintf("message %q is unused: no flow node, engine built-in or service list shows it", id)})
	}
	r := render.New(c.Catalog, c.Set, budget)
	rep.Messages = c.messageCosts(r)
	var warn []Problem
	rep.Screens, warn = c.screenFits(r, budget)
	rep.Problems = append(rep.Problems, warn...)
	rep.Problems = append(rep.Problems, partial...)
	rep.Problems = append(rep.Problems, c.languageBranches()...)
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		return rep.Problems[i].Severity == SeverityError && rep.Problems[j].Severity != SeverityError
	})
	return rep
}

// coverage returns how complete every language of the catalog is, and a
// warning for each partial language naming the messages it lacks.
func (c *Content) coverage() ([]LanguageCoverage, []Problem) {
	missing := c.Catalog.Missing()
	ref := map[string]bool{}
	for _, l := range l10n.Langs {
		for _, id := range c.Catalog.IDs(l) {
			ref[id] = true
		}
	}
	out := []LanguageCoverage{}
	var warn []Problem
	for _, l := range c.Catalog.Languages() {
		lc := LanguageCoverage{Lang: l, Reference: l10n.IsReference(l), Texts: len(c.Catalog.IDs(l)), Missing: missing[l]}
		if lc.Missing == nil {
			lc.Missing = []string{}
		}
		if !lc.Reference {
			lc.Fallback = l10n.Fallback
			if n := len(lc.Missing); n > 0 {
				warn = append(warn, Problem{Severity: SeverityWarning, Kind: KindPartialLanguage, File: "locales",
					Text: fmt.Sprintf("%s lacks %d of %d messages, shown in %s instead: %s", l, n, len(ref), lc.Fallback, strings.Join(lc.Missing, ", "))})
			}
		}
		out = append(out, lc)
	}
	return out, warn
}

// languageBranches warns about every branch on the language that has a
// case for each reference language but not for another language of the
// catalog: people who chose that language take the branch's default (the
// shipped main:entry would ask them their language at every new
// conversation).
func (c *Content) languageBranches() []Problem {
	var warn []Problem
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		if n.Type != flow.Branch || n.On != "lang" {
			continue
		}
		all := true
		for _, l := range l10n.Langs {
			_, ok := n.Cases[string(l)]
			all = all && ok
		}
		if !all {
			continue
		}
		for _, l := range c.Catalog.Languages() {
			if _, ok := n.Cases[string(l)]; ok {
				continue
			}
			def := n.Default
			if def == "" {
				def = n.Go
			}
			warn = append(warn, Problem{Severity: SeverityWarning, Kind: KindLanguageBranch, File: c.file(key), Node: key,
				Text: fmt.Sprintf("branch on lang has cases for %s but none for %s: people who chose %s go to %q (the default); add \"%s: %s\" to its cases if they should not",
					joinLangs(l10n.Langs), l, l, def, l, n.Cases[string(l10n.Fallback)])})
		}
	}
	return warn
}

// joinLangs writes languages as "fr, en".
func joinLangs(ls []msg.Lang) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

// messageCosts measures every message in every language that defines it.
func (c *Content) messageCosts(r *render.Renderer) []MessageCost {
	out := []MessageCost{}
	data := map[msg.Lang]map[string]string{}
	langs := c.Catalog.Languages()
	for _, l := range langs {
		data[l] = r.Data(l, c.WorstAnswers(l))
	}
	for _, id := range c.messageIDs() {
		for _, l := range langs {
			if !c.Catalog.Has(l, id) {
				continue
			}
			info := smstext.Count(c.Catalog.Text(l, id, data[l]))
			out = append(out, MessageCost{ID: id, Lang: l, Chars: info.Chars, Encoding: info.Encoding, Segments: info.Segments})
		}
	}
	return out
}

// screenFits pages every node that shows something, in every reference
// language and in every other language where some of it is translated, and
// warns about long UCS-2 pages.
func (c *Content) screenFits(r *render.Renderer, budget int) ([]ScreenFit, []Problem) {
	out := []ScreenFit{}
	var warn []Problem
	for _, key := range c.Set.Keys() {
		n, _ := c.Set.Node(key)
		if n.Type == flow.Branch {
			continue
		}
		for _, lp := range c.measured(r, key) {
			l, pages := lp.lang, lp.pages
			sf := ScreenFit{Node: key, Lang: l, Pages: len(pages), Fits: true}
			for i, p := range pages {
				info := smstext.Count(p)
				sf.Longest = max(sf.Longest, info.Chars)
				sf.Fits = sf.Fits && info.Chars <= budget
				if info.Encoding != smstext.UCS2 {
					continue
				}
				sf.UCS2 = true
				if info.Chars > UCS2ScreenLimit {
					warn = append(warn, Problem{Severity: SeverityWarning, Kind: KindUCS2Page, File: c.file(key), Node: key,
						Text: fmt.Sprintf("%s page %d has %d characters in UCS-2 (%q is outside GSM-7); operators may cut UCS-2 screens near %d",
							l, i+1, info.Chars, firstNonGSM7(p), UCS2ScreenLimit)})
				}
			}
			out = append(out, sf)
		}
	}
	return out, warn
}

// file returns the flow file a node's full key comes from.
func (c *Content) file(key string) string {
	for i := range key {
		if key[i] == ':' {
			return c.Set.File(key[:i])
		}
	}
	return ""
}

// firstNonGSM7 returns the first character of s outside GSM-7.
func firstNonGSM7(s string) string {
	for _, r := range s {
		if !smstext.IsGSM7(string(r)) {
			return string(r)
		}
	}
	return ""
}
