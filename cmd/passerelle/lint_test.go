package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSplitFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label      string
		args       []string
		mine, rest []string
	}{
		{"none", nil, nil, nil},
		{"bool after settings", []string{"-flows-dir", "x", "--json"}, []string{"--json"}, []string{"-flows-dir", "x"}},
		{"bool with value", []string{"-json=false", "-ussd-budget=100"}, []string{"-json=false"}, []string{"-ussd-budget=100"}},
		{"string with space", []string{"-mode", "sms", "-locales-dir", "y"}, []string{"-mode", "sms"}, []string{"-locales-dir", "y"}},
		{"string with equals", []string{"--mode=sms"}, []string{"--mode=sms"}, nil},
		{"stops at --", []string{"--", "-json"}, nil, []string{"--", "-json"}},
		{"positional", []string{"json"}, nil, []string{"json"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			own := flag.NewFlagSet("x", flag.ContinueOnError)
			own.Bool("json", false, "")
			own.String("mode", "", "")
			mine, rest := splitFlags(own, c.args)
			if !slices.Equal(mine, c.mine) || !slices.Equal(rest, c.rest) {
				t.Errorf("got %q and %q, want %q and %q", mine, rest, c.mine, c.rest)
			}
		})
	}
}

func TestLintDraft(t *testing.T) {
	t.Parallel()
	clean := with(draftTexts)
	unused := with(draftTexts, "d.spare", "Nobody shows this")
	cases := []struct {
		label    string
		texts    map[string]string
		extra    []string
		code     int
		contains []string
	}{
		{"clean", clean, nil, 0, []string{"d.menu", "USSD SCREEN", "main:menu", "0 errors, 0 warnings"}},
		{"unused message", unused, nil, 1, []string{`error: locales: message "d.spare" is unused`, "1 errors"}},
		{"unused allowed", unused, []string{"-allow-unused"}, 0, []string{`warning: locales: message "d.spare" is unused`, "0 errors, 1 warnings"}},
		{"budget setting", clean, []string{"-ussd-budget", "40"}, 0, []string{"FITS 40"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			flows, locales := writeDraft(t, draftFlow, c.texts)
			args := append([]string{"lint", "-flows-dir", flows, "-locales-dir", locales}, c.extra...)
			code, out, errs := runCmd(t, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

// TestLintJSON pins the documented JSON structure (docs/lint.md).
func TestLintJSON(t *testing.T) {
	t.Parallel()
	flows, locales := writeDraft(t, draftFlow, with(draftTexts, "d.spare", "Rien, ça ne sert pas"))
	code, out, errs := runCmd(t, "lint", "--json", "-flows-dir", flows, "-locales-dir", locales)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an unused message)\n%s", code, errs)
	}
	var rep map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	cases := []struct {
		field string
		keys  []string
	}{
		{"problems", []string{"kind", "severity", "text"}},
		{"messages", []string{"chars", "encoding", "id", "lang", "segments"}},
		{"screens", []string{"fits", "lang", "longest", "node", "pages", "ucs2"}},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			var rows []map[string]any
			if err := json.Unmarshal(rep[c.field], &rows); err != nil || len(rows) == 0 {
				t.Fatalf("%s: %v (%d rows)", c.field, err, len(rows))
			}
			for _, row := range rows {
				var keys []string
				for k := range row {
					if k != "file" && k != "node" || c.field == "screens" {
						keys = append(keys, k)
					}
				}
				slices.Sort(keys)
				if !slices.Equal(keys, c.keys) {
					t.Fatalf("%s row keys %v, want %v", c.field, keys, c.keys)
				}
			}
		})
	}
	if !strings.Contains(out, `"kind": "unused"`) || !strings.Contains(out, `"encoding": "ucs2"`) {
		t.Errorf("JSON lacks the unused problem or the UCS-2 message:\n%s", out)
	}
}

func TestLintLoadError(t *testing.T) {
	t.Parallel()
	flows, locales := writeDraft(t, "spec: 1\nflow: main\nstart: x\nnodes: {x: {type: end, say: d.done, bogus: 1}}\n", draftTexts)
	code, out, _ := runCmd(t, "lint", "-json", "-flows-dir", flows, "-locales-dir", locales)
	if code != 1 || !strings.Contains(out, `"kind": "load"`) {
		t.Errorf("exit %d, want 1 and a load problem:\n%s", code, out)
	}
}

func TestLintBadFlags(t *testing.T) {
	t.Parallel()
	if code, _, _ := runCmd(t, "lint", "-json", "-markdown"); code != 2 {
		t.Errorf("exit %d for -json -markdown, want 2", code)
	}
	if code, _, _ := runCmd(t, "lint", "-ussd-budget", "7"); code != 2 {
		t.Errorf("exit %d for a bad budget, want 2", code)
	}
}

// TestLintReportDoc checks that docs/lint-report.md is the report of the
// shipped flows and locales.
func TestLintReportDoc(t *testing.T) {
	t.Parallel()
	_, out, errs := runCmd(t, "lint", "-markdown")
	want, err := os.ReadFile("../../docs/lint-report.md")
	if err != nil {
		t.Fatalf("%v; create it with: %s", err, lintRegenerate)
	}
	if out != string(want) {
		t.Errorf("docs/lint-report.md is out of date with the shipped flows and locales; regenerate it with:\n  %s\n%s", lintRegenerate, errs)
	}
}

// emptyNodeFlow is draftFlow with a node that has nothing under it.
const emptyNodeFlow = draftFlow + "  gone:\n"

// TestLintEmptyNode: a flow file with an empty node is a lint error naming
// the file and the node (exit status 1, no panic), and serve refuses to
// start with the same message.
func TestLintEmptyNode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label string
		flow  string
	}{
		{"flow mapping", "spec: 1\nflow: main\nstart: menu\nnodes: {gone: }\n"},
		{"block key", emptyNodeFlow},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			flows, locales := writeDraft(t, c.flow, draftTexts)
			code, out, errs := runCmd(t, "lint", "-flows-dir", flows, "-locales-dir", locales)
			if code != 1 || !strings.Contains(out, "main.yaml") || !strings.Contains(out, `node "gone" is empty`) {
				t.Errorf("lint: exit %d, want 1 and the file and node named:\n%s%s", code, out, errs)
			}
			code, out, errs = runCmd(t, "serve", "-flows-dir", flows, "-locales-dir", locales, "-addr", "127.0.0.1:0", "-log-format", "text")
			if code != 1 || !strings.Contains(errs, "main.yaml") || !strings.Contains(errs, `node \"gone\" is empty`) || strings.Contains(errs, "panic") {
				t.Errorf("serve: exit %d, want 1 and the file and node named:\n%s%s", code, out, errs)
			}
		})
	}
}

// TestLintDir: `passerelle lint DIR` checks the draft in DIR, not the
// built-in flows; its texts are DIR/locales when DIR has one. An argument
// lint does not understand is refused with the usage (exit status 2).
func TestLintDir(t *testing.T) {
	t.Parallel()
	// A draft as staff keep it: DIR/flows/*.yaml and DIR/locales/*.yaml.
	goodFlows, goodLocales := writeDraft(t, draftFlow, draftTexts)
	good := filepath.Dir(goodFlows)
	brokenFlows, _ := writeDraft(t, strings.Replace(draftFlow, "go: saved", "go: nowhere", 1), draftTexts)
	broken := filepath.Dir(brokenFlows)
	// Flow files and their locales/ in one directory.
	flat := t.TempDir()
	copyDir(t, goodFlows, flat)
	copyDir(t, goodLocales, filepath.Join(flat, "locales"))
	// Flow files alone: the texts are the configured ones.
	alone := t.TempDir()
	copyDir(t, goodFlows, alone)
	cases := []struct {
		label    string
		args     []string
		code     int
		contains []string
		stderr   []string
	}{
		{"broken draft", []string{broken}, 1, []string{`option 1 go "nowhere": no such node`}, nil},
		{"broken flows dir", []string{brokenFlows, "-locales-dir", goodLocales}, 1, []string{`"nowhere": no such node`}, nil},
		{"good draft", []string{good}, 0, []string{"main:menu", "0 errors, 0 warnings"}, nil},
		{"good draft, flags after", []string{good, "-ussd-budget", "60", "-json"}, 0, []string{`"budget": 60`}, nil},
		{"flags before", []string{"-ussd-budget=60", good}, 0, []string{"FITS 60", "0 errors"}, nil},
		{"flat draft", []string{flat}, 0, []string{"d.menu", "0 errors, 0 warnings"}, nil},
		{"flows alone take the configured locales", []string{alone, "-locales-dir", goodLocales}, 0, []string{"0 errors, 0 warnings"}, nil},
		{"flows alone, built-in locales", []string{alone}, 1, []string{`"d.menu" has no text`}, nil},
		{"two directories", []string{good, broken}, 2, nil, []string{"usage: passerelle lint", "one directory"}},
		{"not a directory", []string{filepath.Join(good, "nothing")}, 2, nil, []string{"usage: passerelle lint", "not a directory"}},
		{"directory and -flows-dir", []string{good, "-flows-dir", goodFlows}, 2, nil, []string{"usage: passerelle lint", "-flows-dir"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			code, out, errs := runCmd(t, append([]string{"lint"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
		})
	}
}

// copyDir copies the files of directory from into directory to, made if
// needed.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	es, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
