package render

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/contacts"
	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/l10n"
	"github.com/passerelle/passerelle/internal/msg"
)

// Renderer renders flow screens in a person's language. Screens whose texts
// have no template are rendered once and kept. It is safe for concurrent use.
type Renderer struct {
	cat      *l10n.Catalog
	set      *flow.Set
	budget   int
	contacts *contacts.Directory
	// retention is shown as {{.retention}} (zero: 2 years).
	retention time.Duration
	cache     sync.Map // cacheKey → []string
}

// MsgContactMissing is shown in place of a contact point staff left empty.
const MsgContactMissing = flow.MsgContactMissing

// WithContacts makes the contact points of d available to texts as
// {{.contact_hotline}}, … It returns r.
func (r *Renderer) WithContacts(d *contacts.Directory) *Renderer {
	r.contacts = d
	return r
}

type cacheKey struct {
	lang     msg.Lang
	channel  msg.Channel
	key, say string
	hint     string
}

// New returns a renderer for USSD screens of at most budget characters.
func New(cat *l10n.Catalog, set *flow.Set, budget int) *Renderer {
	return &Renderer{cat: cat, set: set, budget: budget}
}

// Budget returns the USSD screen budget in characters.
func (r *Renderer) Budget() int { return r.budget }

// Pages returns the pages of a screen on a channel: USSD screens are paged
// within the budget; an SMS is one page holding the whole text.
func (r *Renderer) Pages(ch msg.Channel, sc flow.Screen, lang msg.Lang, answers map[string]string) []string {
	if lang == "" {
		lang = msg.DefaultLang
	}
	plain := r.cat.Plain(lang, sc.Say) && (sc.Hint == "" || r.cat.Plain(lang, sc.Hint))
	var ck cacheKey
	if plain {
		ck = cacheKey{lang: lang, channel: ch, key: sc.Key, say: sc.Say, hint: sc.Hint}
		if p, ok := r.cache.Load(ck); ok {
			return p.([]string)
		}
	}
	text, options := r.Lines(sc, lang, answers)
	var pages []string
	if ch == msg.USSD {
		pages = Paginate(text, options, r.budget, r.Nav(lang))
		if len(pages) > 1 && r.errorHint(sc) && len(options) > 0 {
			// The hint must not push a menu onto a second page, hiding
			// options: a short hint, else none.
			pages = r.fitHint(sc, lang, answers)
		}
	} else {
		pages = []string{strings.Join(append(text, options...), "\n")}
	}
	if plain {
		r.cache.Store(ck, pages)
	}
	return pages
}

// errorHint tells whether the screen's hint says the last answer was
// wrong (rather than a notice, which keeps its place however it pages).
func (r *Renderer) errorHint(sc flow.Screen) bool {
	if sc.Hint == flow.MsgInvalidChoice || sc.Hint == flow.MsgInvalidInput {
		return true
	}
	n, ok := r.set.Node(sc.Key)
	return ok && sc.Hint != "" && n.Hint == sc.Hint
}

// fitHint pages a menu shown after a wrong answer so that the hint does
// not push it onto more pages than it has without one: with the hint, else
// the short hint, else without a hint.
func (r *Renderer) fitHint(sc flow.Screen, lang msg.Lang, answers map[string]string) []string {
	bare := sc
	bare.Hint = ""
	text, options := r.Lines(bare, lang, answers)
	want := Paginate(text, options, r.budget, r.Nav(lang))
	short := sc
	short.Hint = flow.MsgHintShort
	text, options = r.Lines(short, lang, answers)
	if p := Paginate(text, options, r.budget, r.Nav(lang)); len(p) <= len(want) {
		return p
	}
	return want
}

// Nav returns the paging labels of a language.
func (r *Renderer) Nav(lang msg.Lang) Nav {
	return Nav{
		More: "98. " + r.cat.Text(lang, flow.MsgMore, nil),
		Back: "0. " + r.cat.Text(lang, flow.MsgBack, nil) + " 00. " + r.cat.Text(lang, flow.MsgHome, nil),
	}
}

// Lines returns a screen's text lines (the hint, then the text) and its
// option lines.
func (r *Renderer) Lines(sc flow.Screen, lang msg.Lang, answers map[string]string) (text, options []string) {
	var data map[string]string
	if !r.cat.Plain(lang, sc.Say) {
		data = r.Data(r.textLang(lang, sc.Say), answers)
	}
	if sc.Hint != "" {
		text = append(text, r.cat.Text(lang, sc.Hint, data))
	}
	if sc.Say != "" {
		text = append(text, strings.Split(r.cat.Text(lang, sc.Say, data), "\n")...)
	}
	for i, o := range sc.Options {
		options = append(options, strconv.Itoa(i+1)+". "+r.cat.Text(lang, o, nil))
	}
	return text, options
}

// Data returns the template data for texts: every answer, with the values of
// menus replaced by their labels in lang, and the contact points for the
// person's region (the "staff will call you back" text where none is set).
func (r *Renderer) Data(lang msg.Lang, answers map[string]string) map[string]string {
	data := make(map[string]string, len(answers)+len(contacts.Kinds))
	d := r.contacts
	if d == nil {
		d = &contacts.Directory{}
	}
	d.AddTo(data, answers["region"], r.cat.Text(lang, MsgContactMissing, nil))
	data["retention"] = Duration(lang, r.retention)
	for k, v := range answers {
		if id, ok := r.set.Label(k, v); ok {
			v = r.cat.Text(lang, id, nil)
		}
		data[k] = v
	}
	return data
}

// WithRetention sets how long registrations are kept, shown to people as
// {{.retention}} (the consent text); zero shows 2 years. It returns r.
func (r *Renderer) WithRetention(d time.Duration) *Renderer {
	r.retention = d
	return r
}

// Text returns one message in lang.
func (r *Renderer) Text(lang msg.Lang, id string) string { return r.cat.Text(lang, id, nil) }

// Message returns one message in lang with the answers (and contact points)
// filled into its template: the text of a page sent by SMS.
func (r *Renderer) Message(lang msg.Lang, id string, answers map[string]string) string {
	if lang == "" {
		lang = msg.DefaultLang
	}
	if r.cat.Plain(lang, id) {
		return r.cat.Text(lang, id, nil)
	}
	return r.cat.Text(lang, id, r.Data(r.textLang(lang, id), answers))
}

// textLang returns the language of the text shown for id in lang: lang, or
// the fallback language when lang (a partial language) has no text for id,
// so that the answers and the retention filled into a fallback text are in
// its language too.
func (r *Renderer) textLang(lang msg.Lang, id string) msg.Lang {
	if src, ok := r.cat.Source(lang, id); ok {
		return src
	}
	return lang
}

// WithBudget returns a renderer like r (texts, contacts, retention) with
// another USSD screen budget (an operator whose phones show fewer
// characters) and a page cache of its own; r is unchanged.
func (r *Renderer) WithBudget(budget int) *Renderer {
	return &Renderer{cat: r.cat, set: r.set, budget: budget, contacts: r.contacts, retention: r.retention}
}
