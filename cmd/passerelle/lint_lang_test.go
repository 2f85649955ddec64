package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/flows"
	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/locales"
)

// pidginFixture is the third language (Cameroonian Pidgin, pcm) as staff
// would add it: its flows and locale files that differ from the shipped ones.
const pidginFixture = "../../internal/content/testdata/pcm"

// writePidgin writes a draft DIR/flows and DIR/locales: the shipped files
// with the fixture's on top, then edit applied to the locales directory. It
// returns DIR.
func writePidgin(t *testing.T, edit func(locales string)) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []struct {
		name    string
		shipped fs.FS
	}{{"flows", flows.FS}, {"locales", locales.FS}} {
		to := filepath.Join(dir, d.name)
		if err := os.Mkdir(to, 0o755); err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(d.shipped, "*.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			b, err := fs.ReadFile(d.shipped, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(to, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		copyDir(t, filepath.Join(pidginFixture, d.name), to)
	}
	if edit != nil {
		edit(filepath.Join(dir, "locales"))
	}
	return dir
}

// TestLintPartialLanguage: lint on a draft with a third, partial language
// reports what it lacks as a warning, per language, and passes; a message
// missing in a reference language still fails it.
func TestLintPartialLanguage(t *testing.T) {
	t.Parallel()
	noEnglishHelp := func(dir string) {
		p := filepath.Join(dir, "main.en.yaml")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out := regexp.MustCompile(`(?m)^main\.help:.*\n`).ReplaceAllString(string(b), "")
		if out == string(b) {
			t.Fatal("main.en.yaml has no main.help")
		}
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		label    string
		edit     func(string)
		args     []string
		code     int
		contains []string
		matches  []string
	}{
		{
			// The hotline and the emergency number set: the one warning
			// is the language's.
			label: "partial language", code: 0,
			args: []string{"-contacts-file", writeContacts(t, `default: {hotline: "1500", emergency: "9999"}`)},
			contains: []string{"main:menu", "main.register", "0 errors, 1 warnings",
				"main.myinfo, main.support"},
			matches: []string{
				`(?m)^warning: locales: pcm lacks \d+ of \d+ messages, shown in fr instead: `,
				`(?m)^pcm\s+partial\s+8\s+\d+\s+fr$`,
				`(?m)^fr\s+reference\s+\d+\s+0\s+—$`,
				`(?m)^main\.register\s+pcm\s+7\s+GSM-7\s+1$`,
			},
		},
		{
			label: "a message missing in English", edit: noEnglishHelp, code: 1,
			contains: []string{`error: locales: message "main.help" has no en text`, "warning: locales: pcm lacks"},
			matches:  []string{`(?m)^en\s+reference\s+\d+\s+1\s+\(an error\)$`},
		},
		{
			label: "markdown", args: []string{"-markdown"}, code: 0,
			contains: []string{"## Languages", "| pcm | 8 |", "| message | fr | en | pcm |", "| `main.register` |"},
		},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			dir := writePidgin(t, c.edit)
			code, out, errs := runCmd(t, append([]string{"lint", dir}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, re := range c.matches {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("output does not match %s:\n%s", re, out)
				}
			}
		})
	}
}

// TestLintLanguagesJSON: the JSON report lists every language, whether it
// is a reference, its texts and the messages it lacks.
func TestLintLanguagesJSON(t *testing.T) {
	t.Parallel()
	code, out, errs := runCmd(t, "lint", "-json", writePidgin(t, nil))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var rep content.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Languages) != 3 {
		t.Fatalf("languages %+v, want fr, en, pcm", rep.Languages)
	}
	cases := []struct {
		lang      string
		reference bool
		missing   bool
		fallback  string
	}{{"fr", true, false, ""}, {"en", true, false, ""}, {"pcm", false, true, "fr"}}
	for i, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			l := rep.Languages[i]
			if string(l.Lang) != c.lang || l.Reference != c.reference || (len(l.Missing) > 0) != c.missing || string(l.Fallback) != c.fallback || l.Texts == 0 {
				t.Errorf("%+v, want %s reference %v, missing %v, fallback %q", l, c.lang, c.reference, c.missing, c.fallback)
			}
		})
	}
}
