package content_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/flow"
	"github.com/passerelle/passerelle/internal/smstext"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// draftFlow is a small flow: a menu, an SMS sent by an end node.
const draftFlow = `spec: 1
flow: main
start: menu
nodes:
  menu:
    type: menu
    say: t.menu
    options:
      - {label: t.a, go: done}
  done:
    type: end
    do: ["send_sms:t.sms"]
    say: t.done
`

// builtins returns the engine's texts in one language, as a locale file.
func builtins() string {
	var b strings.Builder
	for _, id := range flow.BuiltinMessages {
		b.WriteString(id + ": \"x\"\n")
	}
	return b.String()
}

// draft loads draftFlow with its texts: t.spare is unused, t.shown exists in
// French only, and the French menu is long and needs UCS-2 ("ç").
func draft(t *testing.T) *content.Content {
	t.Helper()
	long := strings.Repeat("Choisissez une réponse, ça compte. ", 4)
	locales := fstest.MapFS{
		"t.fr.yaml": {Data: []byte(builtins() + "t.menu: \"" + long + "\"\nt.a: \"A\"\nt.done: \"Fin {{.ref}}\"\nt.sms: \"Ref {{.ref}}\"\nt.spare: \"Rien\"\nt.shown: \"Vu\"\n")},
		"t.en.yaml": {Data: []byte(builtins() + "t.menu: \"Menu\"\nt.a: \"A\"\nt.done: \"End {{.ref}}\"\nt.sms: \"Ref {{.ref}}\"\nt.spare: \"Nothing\"\n")},
	}
	c, err := content.Load(fstest.MapFS{"main.yaml": {Data: []byte(draftFlow)}}, locales, apptest.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReportProblems(t *testing.T) {
	t.Parallel()
	rep := draft(t).Report(182, []string{"t.shown"})
	cases := []struct {
		label    string
		severity content.Severity
		kind     string
		contains string
	}{
		{"unused message", content.SeverityError, content.KindUnused, `"t.spare" is unused`},
		{"shown message untranslated", content.SeverityError, content.KindCodeMessage, `"t.shown", shown by the service, has no en text`},
		{"untranslated message (Check)", content.SeverityError, content.KindContent, `"t.shown" has no en text`},
		{"long UCS-2 page", content.SeverityWarning, content.KindUCS2Page, `fr page 1 has 145 characters in UCS-2 ("ç" is outside GSM-7)`},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			for _, p := range rep.Problems {
				if p.Kind == c.kind && strings.Contains(p.Text, c.contains) {
					if p.Severity != c.severity {
						t.Errorf("severity %s, want %s", p.Severity, c.severity)
					}
					return
				}
			}
			t.Errorf("no %s problem containing %q in %v", c.kind, c.contains, rep.Problems)
		})
	}
	if n := len(rep.Problems); n != len(cases) {
		t.Errorf("%d problems, want %d: %v", n, len(cases), rep.Problems)
	}
	if rep.Count(content.SeverityError) != 3 || rep.Count(content.SeverityWarning) != 1 {
		t.Errorf("counts: %d errors, %d warnings", rep.Count(content.SeverityError), rep.Count(content.SeverityWarning))
	}
	if rep.Problems[len(rep.Problems)-1].Severity != content.SeverityWarning {
		t.Errorf("errors do not come first: %v", rep.Problems)
	}
}

func TestReportMeasures(t *testing.T) {
	t.Parallel()
	rep := draft(t).Report(182, nil)
	msgs := map[string]content.MessageCost{}
	for _, m := range rep.Messages {
		msgs[m.ID+"/"+string(m.Lang)] = m
	}
	screens := map[string]content.ScreenFit{}
	for _, s := range rep.Screens {
		screens[s.Node+"/"+string(s.Lang)] = s
	}
	t.Run("messages", func(t *testing.T) {
		cases := []struct {
			key      string
			chars    int
			encoding smstext.Encoding
			segments int
		}{
			{"t.a/fr", 1, smstext.GSM7, 1},
			{"t.menu/fr", 140, smstext.UCS2, 3},
			{"t.sms/en", 10, smstext.GSM7, 1}, // "Ref " and the longest reference, XXXXXX
			{"t.spare/en", 7, smstext.GSM7, 1},
		}
		for _, c := range cases {
			m, ok := msgs[c.key]
			if !ok {
				t.Errorf("%s: no row", c.key)
				continue
			}
			if m.Chars != c.chars || m.Encoding != c.encoding || m.Segments != c.segments {
				t.Errorf("%s: %+v, want %d chars, %s, %d segments", c.key, m, c.chars, c.encoding, c.segments)
			}
		}
		if _, ok := msgs["t.shown/en"]; ok {
			t.Error("a row for a text that does not exist")
		}
	})
	t.Run("screens", func(t *testing.T) {
		cases := []struct {
			key     string
			pages   int
			longest int
			ucs2    bool
		}{
			{"main:menu/fr", 1, 145, true},
			{"main:menu/en", 1, 9, false},
			{"main:done/en", 1, 10, false},
		}
		for _, c := range cases {
			s, ok := screens[c.key]
			if !ok {
				t.Errorf("%s: no row", c.key)
				continue
			}
			if s.Pages != c.pages || s.Longest != c.longest || s.UCS2 != c.ucs2 || !s.Fits {
				t.Errorf("%s: %+v, want %d pages, longest %d, ucs2 %v, fits", c.key, s, c.pages, c.longest, c.ucs2)
			}
		}
		if len(rep.Screens) != 4 {
			t.Errorf("%d screens, want 4 (2 nodes × 2 languages)", len(rep.Screens))
		}
	})
	t.Run("over budget", func(t *testing.T) {
		s := draft(t).Report(40, nil).Screens
		for _, f := range s {
			if f.Node == "main:menu" && f.Lang == "fr" && f.Pages < 2 {
				t.Errorf("menu not paged at 40: %+v", f)
			}
		}
	})
}

// TestShippedReport: the shipped content has no error, every message the
// service shows included.
func TestShippedReport(t *testing.T) {
	t.Parallel()
	rep := apptest.Content(t).Report(182, chat.Messages)
	for _, p := range rep.Problems {
		if p.Severity == content.SeverityError {
			t.Error(p)
		}
	}
	if len(rep.Messages) == 0 || len(rep.Screens) == 0 {
		t.Fatalf("empty report: %d messages, %d screens", len(rep.Messages), len(rep.Screens))
	}
}
