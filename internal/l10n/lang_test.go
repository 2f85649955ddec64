package l10n

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/msg"
)

// pcm is Cameroonian Pidgin, a partial language in these tests.
const pcm msg.Lang = "pcm"

// threeLangs holds French and English in full and a few texts in pcm and
// in ewo (Ewondo, which CLDR gives no plural rules).
var threeLangs = fstest.MapFS{
	"a.fr.yaml": {Data: []byte(`
hello: "Bonjour {{.name}}"
plain: "Texte"
menu: "Menu principal"
only.fr: "Seulement en français"
pages:
  one: "{{.Count}} page"
  other: "{{.Count}} pages"
`)},
	"a.en.yaml": {Data: []byte(`
hello: "Hello {{.name}}"
plain: "Text"
menu: "Main menu"
only.en: "English only"
pages:
  one: "{{.Count}} page"
  other: "{{.Count}} pages"
`)},
	"a.pcm.yaml": {Data: []byte(`
hello: "How now {{.name}}"
plain: "Tok"
`)},
	"b.pcm.yaml": {Data: []byte(`
pages:
  one: "{{.Count}} pej"
  other: "{{.Count}} pej dem"
`)},
	"a.ewo.yaml": {Data: []byte(`
pages:
  one: "{{.Count}} ewo-one"
  other: "{{.Count}} ewo-other"
`)},
}

// TestLanguagesFromFiles: the languages are the codes of the locale files,
// the reference ones first.
func TestLanguagesFromFiles(t *testing.T) {
	t.Parallel()
	c, _ := testCatalog(t, threeLangs)
	if got, want := c.Languages(), []msg.Lang{msg.French, msg.English, "ewo", pcm}; !slices.Equal(got, want) {
		t.Fatalf("Languages = %v, want %v", got, want)
	}
	cases := []struct {
		lang msg.Lang
		want bool
	}{{msg.French, true}, {msg.English, true}, {pcm, true}, {"ewo", true}, {"de", false}, {"", false}}
	for _, c2 := range cases {
		t.Run(string(c2.lang), func(t *testing.T) {
			if got := c.HasLang(c2.lang); got != c2.want {
				t.Errorf("HasLang = %v, want %v", got, c2.want)
			}
		})
	}
	// A reference language is one even without a file.
	only, _ := testCatalog(t, fstest.MapFS{"a.fr.yaml": {Data: []byte(`x: "y"`)}})
	if !only.HasLang(msg.English) || !slices.Equal(only.Missing()[msg.English], []string{"x"}) {
		t.Errorf("a catalog without English: HasLang %v, Missing %v", only.HasLang(msg.English), only.Missing())
	}
}

// TestPartialLanguageFallsBack: a text pcm lacks is the fallback's
// (French), then English's; only texts missing in a reference language are
// warnings.
func TestPartialLanguageFallsBack(t *testing.T) {
	t.Parallel()
	c, logs := testCatalogAt(t, threeLangs, slog.LevelDebug)
	cases := []struct {
		lang msg.Lang
		id   string
		want string
		src  msg.Lang
	}{
		{pcm, "hello", "How now Awa", pcm},
		{pcm, "plain", "Tok", pcm},
		{pcm, "menu", "Menu principal", msg.French},
		{pcm, "only.en", "English only", msg.English},
		{"ewo", "menu", "Menu principal", msg.French},
		{"de", "plain", "Texte", msg.French}, // not a language of the catalog
		{msg.English, "only.fr", "Seulement en français", msg.French},
		{msg.French, "only.en", "English only", msg.English},
	}
	for _, c2 := range cases {
		t.Run(string(c2.lang)+"/"+c2.id, func(t *testing.T) {
			if got := c.Text(c2.lang, c2.id, map[string]string{"name": "Awa"}); got != c2.want {
				t.Errorf("Text = %q, want %q", got, c2.want)
			}
			if src, ok := c.Source(c2.lang, c2.id); !ok || src != c2.src {
				t.Errorf("Source = %q, %v; want %q", src, ok, c2.src)
			}
		})
	}
	if _, ok := c.Source(pcm, "nowhere"); ok {
		t.Error("Source found a text for an ID no language has")
	}
	if c.Has(pcm, "menu") || !c.Plain(pcm, "menu") || c.Plain(pcm, "hello") {
		t.Error("Has or Plain on a fallback text")
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		warn := strings.Contains(line, "level=WARN")
		want := strings.Contains(line, "lang=en") || strings.Contains(line, "lang=fr") || strings.Contains(line, "lang=de")
		if warn != want {
			t.Errorf("fallback logged at the wrong level: %s", line)
		}
	}
}

// TestPartialPlural: plural texts follow the rules of the language they
// come from; a language without CLDR rules takes English's.
func TestPartialPlural(t *testing.T) {
	t.Parallel()
	c, _ := testCatalog(t, threeLangs)
	cases := []struct {
		lang  msg.Lang
		count int
		want  string
	}{
		{pcm, 1, "1 pej"}, {pcm, 3, "3 pej dem"},
		{"ewo", 1, "1 ewo-one"}, {"ewo", 0, "0 ewo-other"}, {"ewo", 2, "2 ewo-other"},
	}
	for _, c2 := range cases {
		if got := c.Plural(c2.lang, "pages", c2.count, nil); got != c2.want {
			t.Errorf("%s %d: %q, want %q", c2.lang, c2.count, got, c2.want)
		}
	}
}

// TestMissingPerLanguage: a reference language lacks what another
// reference language has; a partial language lacks what any reference
// language has.
func TestMissingPerLanguage(t *testing.T) {
	t.Parallel()
	c, _ := testCatalog(t, threeLangs)
	m := c.Missing()
	cases := []struct {
		lang msg.Lang
		want []string
	}{
		{msg.French, []string{"only.en"}},
		{msg.English, []string{"only.fr"}},
		{pcm, []string{"menu", "only.en", "only.fr"}},
		{"ewo", []string{"hello", "menu", "only.en", "only.fr", "plain"}},
	}
	for _, c2 := range cases {
		t.Run(string(c2.lang), func(t *testing.T) {
			if !slices.Equal(m[c2.lang], c2.want) {
				t.Errorf("Missing[%s] = %v, want %v", c2.lang, m[c2.lang], c2.want)
			}
		})
	}
}

func TestFileLang(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		want msg.Lang
		ok   bool
	}{
		{"main.fr.yaml", msg.French, true},
		{"dir/main.pcm.yaml", pcm, true},
		{"pidgin.menu.ewo.yaml", "ewo", true},
		{"main.yaml", "", false},
		{".fr.yaml", "", false},
		{"main.Fr.yaml", "", false},
		{"main.fr-CM.yaml", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := FileLang(c.name)
			if (err == nil) != c.ok || got != c.want {
				t.Errorf("FileLang = %q, %v; want %q, ok %v", got, err, c.want, c.ok)
			}
		})
	}
}
