package content_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/render"
	"github.com/passerelle/passerelle/internal/sim"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/locales"
)

// pcm is Cameroonian Pidgin, the third language the fixture adds.
const pcm msg.Lang = "pcm"

// pidginDir holds the third language, as staff would add it: the flows
// and locale files that differ from the shipped ones.
const pidginDir = "testdata/pcm"

// overlay returns a copy of the *.yaml files of base with those of dir on
// top (a file of dir replaces the file of the same name).
func overlay(t *testing.T, base fs.FS, dir string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, fsys := range []fs.FS{base, os.DirFS(dir)} {
		names, err := fs.Glob(fsys, "*.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	return out
}

// pidgin returns the shipped flows and locales with the fixture's third
// language added.
func pidgin(t *testing.T) (flowFS, localeFS fstest.MapFS) {
	t.Helper()
	return overlay(t, flows.FS, pidginDir+"/flows"), overlay(t, locales.FS, pidginDir+"/locales")
}

// load loads content, failing the test on an error.
func load(t *testing.T, flowFS, localeFS fs.FS) *content.Content {
	t.Helper()
	c, err := content.Load(flowFS, localeFS, apptest.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPidginFixtureFollowsShipped: the fixture's main.yaml is the shipped
// one plus the lines that add pcm, so the test runs the real flows.
func TestPidginFixtureFollowsShipped(t *testing.T) {
	t.Parallel()
	fixture, err := os.ReadFile(pidginDir + "/flows/main.yaml")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := fs.ReadFile(flows.FS, "main.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's own header comes before the shipped file's first line.
	_, body, ok := strings.Cut(string(fixture), "\n# Entry flow")
	if !ok {
		t.Fatal("the fixture has no shipped header")
	}
	var kept []string
	for _, line := range strings.SplitAfter("# Entry flow"+body, "\n") {
		if !strings.Contains(line, "value: pcm") {
			kept = append(kept, strings.Replace(line, ", pcm: menu}", "}", 1))
		}
	}
	if got := strings.Join(kept, ""); got != string(shipped) {
		t.Errorf("%s/flows/main.yaml drifted from flows/main.yaml: copy flows/main.yaml there and add the pcm option of main:language and the pcm case of main:entry again", pidginDir)
	}
}

// TestPidginContent: the third language loads from files alone; what it
// lacks is a warning naming the messages, never an error, while a text
// missing in a reference language stays an error.
func TestPidginContent(t *testing.T) {
	t.Parallel()
	f, l := pidgin(t)
	c := load(t, f, l)
	if got, want := c.Catalog.Languages(), []msg.Lang{msg.French, msg.English, pcm}; !slices.Equal(got, want) {
		t.Fatalf("languages %v, want %v", got, want)
	}
	rep := c.Report(182, chat.Messages)
	if n := rep.Count(content.SeverityError); n != 0 {
		t.Errorf("%d errors: %v", n, rep.Problems)
	}
	var cov content.LanguageCoverage
	for _, lc := range rep.Languages {
		if lc.Lang == pcm {
			cov = lc
		}
		if lc.Reference && len(lc.Missing) != 0 {
			t.Errorf("%s lacks %v", lc.Lang, lc.Missing)
		}
	}
	ref := len(c.Catalog.IDs(msg.French))
	if cov.Reference || cov.Texts != 8 || len(cov.Missing) != ref-cov.Texts || cov.Fallback != msg.French {
		t.Errorf("pcm coverage: %+v (want 8 texts, %d missing, falling back to fr)", cov, ref-cov.Texts)
	}
	for _, id := range []string{"main.support", "main.myinfo", "reg.consent"} {
		if !slices.Contains(cov.Missing, id) {
			t.Errorf("pcm missing %v lacks %s", cov.Missing, id)
		}
	}
	var warned []content.Problem
	for _, p := range rep.Problems {
		if p.Kind == content.KindPartialLanguage {
			warned = append(warned, p)
		}
	}
	want := fmt.Sprintf("pcm lacks %d of %d messages, shown in fr instead: ", len(cov.Missing), ref)
	if len(warned) != 1 || warned[0].Severity != content.SeverityWarning || !strings.HasPrefix(warned[0].Text, want) ||
		!strings.Contains(warned[0].Text, "main.myinfo, main.support") {
		t.Errorf("partial-language warnings %v, want one starting %q", warned, want)
	}
	screens := map[string]bool{}
	for _, s := range rep.Screens {
		if s.Lang == pcm {
			screens[s.Node] = true
		}
	}
	if !screens["main:menu"] || screens["registration:consent"] {
		t.Errorf("pcm screens measured: %v, want main:menu (translated) and not registration:consent (all French)", screens)
	}
}

// TestPidginContentProblems: what a staff member adding a language can get
// wrong, and how lint tells it.
func TestPidginContentProblems(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label    string
		edit     func(t *testing.T, flowFS, localeFS fstest.MapFS)
		severity content.Severity
		kind     string
		contains string
	}{
		{
			label: "a message missing in English is an error",
			edit: func(t *testing.T, _, l fstest.MapFS) {
				l["main.en.yaml"] = &fstest.MapFile{Data: []byte(dropLine(t, string(l["main.en.yaml"].Data), "main.help:"))}
			},
			severity: content.SeverityError, kind: content.KindContent, contains: `"main.help" has no en text`,
		},
		{
			label: "the language name missing in French is an error",
			edit: func(t *testing.T, _, l fstest.MapFS) {
				delete(l, "pidgin.fr.yaml")
			},
			severity: content.SeverityError, kind: content.KindContent, contains: `"lang.pcm" has no text in fr`,
		},
		{
			label: "a language offered without locale files is an error",
			edit: func(t *testing.T, f, l fstest.MapFS) {
				for _, n := range []string{"main.pcm.yaml", "common.pcm.yaml"} {
					delete(l, n)
				}
			},
			severity: content.SeverityError, kind: content.KindContent, contains: `option 3 offers language "pcm" has no locale file: add NAME.pcm.yaml`,
		},
		{
			label: "an ill-formed code is an error",
			edit: func(t *testing.T, f, _ fstest.MapFS) {
				edit(t, f, "main.yaml", "value: pcm,", "value: Pidgin,")
			},
			severity: content.SeverityError, kind: content.KindContent, contains: `option 3 offers language "Pidgin" is not a language code`,
		},
		{
			label: "an entry that forgets the language is a warning",
			edit: func(t *testing.T, f, _ fstest.MapFS) {
				edit(t, f, "main.yaml", ", pcm: menu}", "}")
			},
			severity: content.SeverityWarning, kind: content.KindLanguageBranch, contains: `none for pcm: people who chose pcm go to "language" (the default); add "pcm: menu"`,
		},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			f, l := pidgin(t)
			c.edit(t, f, l)
			rep := load(t, f, l).Report(182, chat.Messages)
			for _, p := range rep.Problems {
				if p.Kind == c.kind && strings.Contains(p.Text, c.contains) {
					if p.Severity != c.severity {
						t.Errorf("%s is a %s, want a %s", p, p.Severity, c.severity)
					}
					return
				}
			}
			t.Errorf("no %s problem containing %q in %v", c.kind, c.contains, rep.Problems)
		})
	}
}

// dropLine returns text without its line starting with prefix, failing
// when there is none.
func dropLine(t *testing.T, text, prefix string) string {
	t.Helper()
	var out []string
	for _, line := range strings.SplitAfter(text, "\n") {
		if !strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	if len(out) == len(strings.SplitAfter(text, "\n")) {
		t.Fatalf("no line starting with %q", prefix)
	}
	return strings.Join(out, "")
}

// edit replaces old by new in a file of fsys, failing when old is not there.
func edit(t *testing.T, fsys fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(fsys[name].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s has no %q", name, old)
	}
	fsys[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

// TestPidginConversation: with the fixture's files and no Go change, the
// language menu offers Pidgin; choosing it shows the next screens in pcm
// where translated and in French where not; the choice is remembered for
// the next conversation, on USSD and by SMS.
func TestPidginConversation(t *testing.T) {
	t.Parallel()
	f, l := pidgin(t)
	c := load(t, f, l)
	a := apptest.New(t, nil)
	// service is a gateway on the fixture's files over the test's store.
	service := func() *chat.Service {
		return chat.New(c.Engine, render.New(c.Catalog, c.Set, 182), a.Store, a.Hasher, apptest.Discard(),
			chat.Config{Now: a.Clock.Now, Ref: func() string { return "T99999" }, People: a.Store, SMS: true})
	}
	ph := &sim.Phone{H: service(), From: "+237670000042", Service: "*384*123#", Clock: a.Clock}
	ctx := context.Background()
	r := render.New(c.Catalog, c.Set, 182)
	fr := func(id string) string { return r.Message(msg.French, id, nil) }
	pidginMenu := []string{
		"Passerelle MINPMEESA-IOM", "1. Rejista", "2. Start or grow ya bisnes", // pcm
		"3. " + fr("main.support"), "4. " + fr("main.myinfo"), // French: no pcm text
		"5. Langwej / Langue / Language", "6. Hep",
	}
	steps := []struct {
		label string
		do    func() (msg.Reply, error)
		want  []string
		not   []string
	}{
		{"the language menu lists Pidgin", func() (msg.Reply, error) { return ph.Dial(ctx) },
			[]string{"Bienvenue / Welcome", "1. Français", "2. English", "3. Pidgin"}, nil},
		{"choosing it shows the main menu in pcm, French where untranslated", func() (msg.Reply, error) { return ph.Answer(ctx, "3") },
			pidginMenu, []string{fr("main.register"), fr("main.menu")}},
		{"an untranslated screen is wholly French, its answers too", func() (msg.Reply, error) { return ph.Answer(ctx, "1") },
			[]string{fr("reg.consent"), "2 ans", "1. " + fr("common.yes")}, []string{"years"}},
		{"remembered at the next dial, on a restarted gateway, once the conversation expired", func() (msg.Reply, error) {
			ph.Drop()
			ph.H = service()
			a.Clock.Advance(chat.DefaultStateTTL + 1)
			return ph.Dial(ctx)
		}, pidginMenu, []string{"Bienvenue"}},
		{"remembered by SMS", func() (msg.Reply, error) { return ph.SMS(ctx, "hello") }, pidginMenu, []string{"Bienvenue"}},
		{"the language menu offers it again", func() (msg.Reply, error) { return ph.SMS(ctx, "5") },
			[]string{"1. Français", "2. English", "3. Pidgin"}, nil},
		{"and French can be chosen back", func() (msg.Reply, error) { return ph.SMS(ctx, "1") },
			[]string{fr("main.menu"), "1. " + fr("main.register"), "6. " + fr("main.help")}, []string{"Rejista"}},
	}
	for _, s := range steps {
		r, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.label, err)
		}
		text := strings.Join(r.Messages, "\n")
		t.Logf("%s:\n%s", s.label, text)
		for _, w := range s.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no %q in\n%s", s.label, w, text)
			}
		}
		for _, w := range s.not {
			if strings.Contains(text, w) {
				t.Errorf("%s: %q in\n%s", s.label, w, text)
			}
		}
	}
}
