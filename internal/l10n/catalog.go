// Package l10n holds Passerelle's texts: go-i18n message files loaded from
// locales/, one language per code in the file name (NAME.<code>.yaml).
//
// The languages are data: any code with a locale file is a language of the
// catalog. French and English are the reference languages (Langs): every
// message must have a text in each, and content checks make a missing one
// an error. Any other language (pcm, ff, …) may be partial: a text it lacks
// is shown in the fallback language (Fallback, French), else in the other
// reference language, so that the person still gets an answer. A text
// missing in a reference language falls back the same way and is logged as
// a warning; an ID missing everywhere shows the ID itself, logged as an
// error.
package l10n

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/passerelle/passerelle/internal/msg"
)

// Langs are the reference languages: every message must have a text in
// each. They are languages of every catalog, even without a file.
var Langs = []msg.Lang{msg.French, msg.English}

// Fallback is the language whose text is shown when a language lacks one:
// French. When French lacks it too, the other reference languages follow,
// in the order of Langs.
const Fallback = msg.French

// IsReference tells whether l is a reference language (one of Langs).
func IsReference(l msg.Lang) bool {
	for _, r := range Langs {
		if l == r {
			return true
		}
	}
	return false
}

// texts are the messages of one language.
type texts struct {
	// loc localizes over a bundle holding this language alone, so that
	// go-i18n's own fallback never picks the language: the catalog does.
	loc *i18n.Localizer
	// plain holds the texts with no template action and no plural forms:
	// they are answered without running a template.
	plain map[string]string
	// ids holds every message ID defined in the language.
	ids map[string]bool
}

// Catalog is the loaded texts. It is safe for concurrent use.
type Catalog struct {
	langs map[msg.Lang]*texts
	// order lists the languages: the reference ones, then the others sorted.
	order []msg.Lang
	log   *slog.Logger
}

// unmarshal reads the locale files' format.
var unmarshal = map[string]i18n.UnmarshalFunc{"yaml": yaml.Unmarshal}

// Load reads every locale file (NAME.<code>.yaml: main.fr.yaml,
// main.en.yaml, main.pcm.yaml, …) at the root of fsys; each code found is a
// language of the catalog. It returns an error naming the file for a name
// without a language code of 2 or 3 lowercase letters, malformed YAML, or an
// ID defined twice in one language.
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
	c := &Catalog{langs: map[msg.Lang]*texts{}, log: log}
	for _, l := range Langs {
		c.langs[l] = newTexts()
	}
	byLang := map[msg.Lang][]*i18n.Message{}
	for _, name := range names {
		l, err := FileLang(name)
		if err != nil {
			return nil, fmt.Errorf("error loading locale %s: %w", name, err)
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("error reading locale %s: %w", name, err)
		}
		mf, err := i18n.ParseMessageFileBytes(buf, name, unmarshal)
		if err != nil {
			return nil, fmt.Errorf("error parsing locale %s: %w", name, err)
		}
		t := c.langs[l]
		if t == nil {
			t = newTexts()
			c.langs[l] = t
		}
		for _, m := range mf.Messages {
			if t.ids[m.ID] {
				return nil, fmt.Errorf("error loading locale %s: message %q defined twice in %s", name, m.ID, l)
			}
			t.ids[m.ID] = true
			if !strings.Contains(m.Other, "{{") && m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" {
				t.plain[m.ID] = m.Other
			}
		}
		byLang[l] = append(byLang[l], mf.Messages...)
	}
	for l, t := range c.langs {
		if t.loc, err = localizer(l, byLang[l]); err != nil {
			return nil, fmt.Errorf("error loading locales in %s: %w", l, err)
		}
		if !IsReference(l) {
			c.order = append(c.order, l)
		}
	}
	sort.Slice(c.order, func(i, j int) bool { return c.order[i] < c.order[j] })
	c.order = append(append([]msg.Lang(nil), Langs...), c.order...)
	return c, nil
}

// FileLang returns the language of a locale file from its name,
// NAME.<code>.yaml ("main.pcm.yaml" is in pcm). It returns an error for a
// name without a well-formed code (msg.ParseLang).
func FileLang(name string) (msg.Lang, error) {
	base := strings.TrimSuffix(path.Base(name), ".yaml")
	i := strings.LastIndexByte(base, '.')
	if i <= 0 {
		return "", fmt.Errorf("error reading the language of %s: want NAME.<code>.yaml, such as main.fr.yaml", name)
	}
	l, err := msg.ParseLang(base[i+1:])
	if err != nil {
		return "", fmt.Errorf("error reading the language of %s: %w", name, err)
	}
	return l, nil
}

func newTexts() *texts { return &texts{plain: map[string]string{}, ids: map[string]bool{}} }

// localizer returns a localizer over a bundle holding the messages of l
// alone. A language CLDR gives no plural rules (Ewondo, Duala, Basaa…)
// takes English's: "one" for 1, "other" for every other count.
func localizer(l msg.Lang, msgs []*i18n.Message) (*i18n.Localizer, error) {
	tag := language.Make(string(l))
	b := i18n.NewBundle(tag)
	if err := b.AddMessages(tag); err != nil {
		// go-i18n registers "art" (artificial languages) with English's
		// plural rules.
		tag = language.Make("art")
		b = i18n.NewBundle(tag)
	}
	if err := b.AddMessages(tag, msgs...); err != nil {
		return nil, fmt.Errorf("error adding messages: %w", err)
	}
	return i18n.NewLocalizer(b, tag.String()), nil
}

// Languages returns the catalog's languages: the reference languages (Langs)
// first, then every other language with a locale file, sorted.
func (c *Catalog) Languages() []msg.Lang { return append([]msg.Lang(nil), c.order...) }

// HasLang tells whether l is a language of the catalog: a reference
// language, or a code with a locale file.
func (c *Catalog) HasLang(l msg.Lang) bool { return c.langs[l] != nil }

// Has tells whether id has a text of its own in lang (not a fallback).
func (c *Catalog) Has(lang msg.Lang, id string) bool {
	t := c.langs[lang]
	return t != nil && t.ids[id]
}

// Source returns the language whose text Text shows for id in lang: lang
// itself when it has one, else Fallback, else the first reference language
// that has one. ok is false when no language has a text for id.
func (c *Catalog) Source(lang msg.Lang, id string) (src msg.Lang, ok bool) {
	src, t := c.source(lang, id)
	return src, t != nil
}

// source is Source with the texts of the language found.
func (c *Catalog) source(lang msg.Lang, id string) (msg.Lang, *texts) {
	if t := c.langs[lang]; t != nil && t.ids[id] {
		return lang, t
	}
	if t := c.langs[Fallback]; t.ids[id] {
		return Fallback, t
	}
	for _, l := range Langs {
		if t := c.langs[l]; t.ids[id] {
			return l, t
		}
	}
	return "", nil
}

// Plain tells whether the text Text shows for id in lang (its own, or the
// fallback's) has no template action, so it reads the same whatever the
// data.
func (c *Catalog) Plain(lang msg.Lang, id string) bool {
	_, t := c.source(lang, id)
	if t == nil {
		return false
	}
	_, ok := t.plain[id]
	return ok
}

// IDs returns every message ID of lang, sorted.
func (c *Catalog) IDs(lang msg.Lang) []string {
	t := c.langs[lang]
	if t == nil {
		return []string{}
	}
	out := make([]string, 0, len(t.ids))
	for id := range t.ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Missing returns, for each language of the catalog, the sorted IDs it
// lacks: for a reference language, those another reference language
// defines; for any other language, those some reference language defines
// (what its people see in the fallback language). A language lacking
// nothing has no entry.
func (c *Catalog) Missing() map[msg.Lang][]string {
	ref := map[string]bool{}
	for _, l := range Langs {
		for id := range c.langs[l].ids {
			ref[id] = true
		}
	}
	out := map[msg.Lang][]string{}
	for l, t := range c.langs {
		for id := range ref {
			if !t.ids[id] {
				out[l] = append(out[l], id)
			}
		}
		sort.Strings(out[l])
		if len(out[l]) == 0 {
			delete(out, l)
		}
	}
	return out
}

// Text returns the text of id in lang, with data filled into its template.
// A text missing in lang is taken from the fallback language (see Source):
// logged at debug level for a partial language, where it is expected, and
// as a warning for a reference language or a language the catalog does not
// have. An ID missing everywhere returns the ID itself, logged as an error.
func (c *Catalog) Text(lang msg.Lang, id string, data map[string]string) string {
	t := c.texts(lang, id)
	if t == nil {
		return id
	}
	if s, ok := t.plain[id]; ok {
		return s
	}
	var td any
	if data != nil {
		td = data
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: td})
	if err != nil {
		c.log.Error("text broken", "message_id", id, "lang", string(lang), "err", err)
		if s == "" {
			return id
		}
	}
	return s
}

// Plural returns the text of id in lang for count, following the plural
// rules of the language the text comes from (in French, 0 and 1 take the
// singular). It falls back as Text does.
func (c *Catalog) Plural(lang msg.Lang, id string, count int, data map[string]string) string {
	t := c.texts(lang, id)
	if t == nil {
		return id
	}
	td := map[string]any{"Count": count}
	for k, v := range data {
		td[k] = v
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
	if err != nil {
		c.log.Error("text broken", "message_id", id, "lang", string(lang), "err", err)
		if s == "" {
			return id
		}
	}
	return s
}

// texts returns the texts holding id for lang (see Source), logging a
// fallback; nil when no language has id.
func (c *Catalog) texts(lang msg.Lang, id string) *texts {
	src, t := c.source(lang, id)
	switch {
	case t == nil:
		c.log.Error("text missing in every language", "message_id", id, "lang", string(lang))
	case src == lang:
	case IsReference(lang) || !c.HasLang(lang):
		c.log.Warn("text missing in language, falling back", "message_id", id, "lang", string(lang), "fallback", string(src))
	default:
		c.log.Debug("text missing in partial language, falling back", "message_id", id, "lang", string(lang), "fallback", string(src))
	}
	return t
}
