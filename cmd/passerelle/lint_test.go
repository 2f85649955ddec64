package main

import (
	"encoding/json"
	"flag"
	"os"
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
