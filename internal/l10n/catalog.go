// Package l10n holds Passerelle's French and English texts: a go-i18n
// bundle loaded from locales/, looked up with a fallback policy (a text
// missing in one language falls back to the other, is logged, and the person
// still gets an answer), and checks that both languages define the same IDs.
package l10n

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/passerelle/passerelle/internal/msg"
)

// Langs are the languages every message must have.
var Langs = []msg.Lang{msg.French, msg.English}

// Catalog is the loaded texts. It is safe for concurrent use.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[msg.Lang]*i18n.Localizer
	// plain holds, per language, the texts with no template action: they are
	// answered without running a template.
	plain map[msg.Lang]map[string]string
	// ids holds, per language, every message ID defined in that language.
	ids map[msg.Lang]map[string]bool
	log *slog.Logger
}

// Load reads every locales file (NAME.fr.yaml, NAME.en.yaml, …) at the root
// of fsys. It returns an error naming the file for malformed YAML, a language
// other than fr or en, or an ID defined twice in one language.
func Load(fsys fs.FS, log *slog.Logger) (*Catalog, error) {
	if log == nil {
		log = slog.Default()
	}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("error listing locales: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("error loading locales: no *.yaml file")
	}
	sort.Strings(names)
	b := i18n.NewBundle(language.French)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[msg.Lang]*i18n.Localizer{}, plain: map[msg.Lang]map[string]string{}, ids: map[msg.Lang]map[string]bool{}, log: log}
	for _, l := range Langs {
		c.plain[l] = map[string]string{}
		c.ids[l] = map[string]bool{}
	}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("error reading locale %s: %w", name, err)
		}
		mf, err := b.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("error parsing locale %s: %w", name, err)
		}
		l, err := msg.ParseLang(mf.Tag.String())
		if err != nil {
			return nil, fmt.Errorf("error loading locale %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			if c.ids[l][m.ID] {
				return nil, fmt.Errorf("error loading locale %s: message %q defined twice in %s", name, m.ID, l)
			}
			c.ids[l][m.ID] = true
			if !strings.Contains(m.Other, "{{") && m.One == "" {
				c.plain[l][m.ID] = m.Other
			}
		}
	}
	c.localizers[msg.French] = i18n.NewLocalizer(b, "fr", "en")
	c.localizers[msg.English] = i18n.NewLocalizer(b, "en", "fr")
	return c, nil
}

// Has tells whether id has a text in lang.
func (c *Catalog) Has(lang msg.Lang, id string) bool { return c.ids[lang][id] }

// Plain tells whether the text of id in lang has no template action, so it
// reads the same whatever the data.
func (c *Catalog) Plain(lang msg.Lang, id string) bool {
	_, ok := c.plain[lang][id]
	return ok
}

// IDs returns every message ID of lang, sorted.
func (c *Catalog) IDs(lang msg.Lang) []string {
	out := make([]string, 0, len(c.ids[lang]))
	for id := range c.ids[lang] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Missing returns, for each language, the IDs the other languages define
// and it does not.
func (c *Catalog) Missing() map[msg.Lang][]string {
	out := map[msg.Lang][]string{}
	for _, l := range Langs {
		for _, o := range Langs {
			for id := range c.ids[o] {
				if !c.ids[l][id] {
					out[l] = append(out[l], id)
				}
			}
		}
		sort.Strings(out[l])
		out[l] = dedupe(out[l])
	}
	return out
}

// Text returns the text of id in lang, with data filled into its template.
// A text missing in lang falls back to the other language and is logged; an
// ID missing everywhere returns the ID itself, logged as an error.
func (c *Catalog) Text(lang msg.Lang, id string, data map[string]string) string {
	if t, ok := c.plain[lang][id]; ok {
		return t
	}
	loc := c.localizers[lang]
	if loc == nil {
		loc = c.localizers[msg.DefaultLang]
	}
	if !c.ids[lang][id] {
		c.log.Warn("text missing in language, falling back", "message_id", id, "lang", string(lang))
	}
	var td any
	if data != nil {
		td = data
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: td})
	if err != nil {
		c.log.Error("text missing or broken", "message_id", id, "lang", string(lang), "err", err)
		if s == "" {
			return id
		}
	}
	return s
}

// Plural returns the text of id in lang for count, following the language's
// plural rules (in French, 0 and 1 take the singular).
func (c *Catalog) Plural(lang msg.Lang, id string, count int, data map[string]string) string {
	loc := c.localizers[lang]
	if loc == nil {
		loc = c.localizers[msg.DefaultLang]
	}
	td := map[string]any{"Count": count}
	for k, v := range data {
		td[k] = v
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
	if err != nil {
		c.log.Error("text missing or broken", "message_id", id, "lang", string(lang), "err", err)
		if s == "" {
			return id
		}
	}
	return s
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
