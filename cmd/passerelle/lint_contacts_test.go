package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeContacts writes a contacts file and returns its path.
func writeContacts(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "contacts.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLintContacts: lint warns (exit status 0) while the hotline or the
// emergency number, which the shipped texts show, is empty for the default
// entry or a region, naming where and the texts; a contacts file that does
// not parse is an error.
func TestLintContacts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label    string
		file     string // "" for none
		code     int
		contains []string
		lacks    []string
	}{
		{label: "no contacts file", code: 0, contains: []string{
			"warning: no contacts file (PASSERELLE_CONTACTS_FILE): the hotline is empty everywhere (the default entry and every region)",
			"warning: no contacts file (PASSERELLE_CONTACTS_FILE): the emergency number is empty everywhere",
			"support.emergency_text, support.sms_docs, support.sms_emergency, support.sms_refugee",
			`set "hotline" in the contacts file`, "0 errors, 2 warnings",
		}},
		{label: "shipped template, all empty", file: "../../deploy/contacts.yaml", code: 0, contains: []string{
			"the hotline is empty everywhere", "the emergency number is empty everywhere", "0 errors, 2 warnings",
		}},
		{label: "both set by default", file: `default: {hotline: "+237 600 00 00 00", emergency: "9999"}`, code: 0,
			lacks: []string{"the hotline is empty", "the emergency number is empty"}},
		{label: "hotline in one region", file: `{default: {emergency: "9999"}, regions: {est: {hotline: "+237 600 00 00 00"}}}`, code: 0,
			contains: []string{"the hotline is empty for the default entry, abroad, adamaoua, centre, extreme-nord, littoral, nord, nord-ouest, ouest, sud, sud-ouest:"},
			lacks:    []string{"the emergency number is empty", "centre, est"}},
		{label: "region empties the default", file: `{default: {hotline: "1500", emergency: "9999"}, regions: {est: {hotline: ""}}}`, code: 0,
			lacks: []string{"is empty"}},
		{label: "unknown kind", file: `default: {fax: "1"}`, code: 1, contains: []string{`unknown contact "fax"`, "1 errors"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			args := []string{"lint"}
			if c.file != "" {
				path := c.file
				if !strings.HasSuffix(path, ".yaml") {
					path = writeContacts(t, c.file)
				}
				args = append(args, "-contacts-file", path)
			}
			code, out, errs := runCmd(t, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, problems(out))
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, problems(out))
				}
			}
		})
	}
}

// TestLintContactsJSON: the warning's kind is "contact", and it names the
// contacts file.
func TestLintContactsJSON(t *testing.T) {
	t.Parallel()
	path := writeContacts(t, `default: {emergency: "9999"}`)
	code, out, errs := runCmd(t, "lint", "-json", "-contacts-file", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var rep struct {
		Problems []struct{ Severity, Kind, File, Text string } `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		if p.Kind == "contact" {
			got = append(got, p.Severity+" "+p.File+" "+p.Text)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "warning "+path+" the hotline is empty everywhere") {
		t.Errorf("contact problems %q, want one warning about the hotline", got)
	}
}

// TestLintContactsDraft: a contact point no text shows is not worth a
// warning; one a draft's text shows is, named by the text, whether the text
// prints it or only tests it is set.
func TestLintContactsDraft(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, done string
		contains    []string
		lacks       []string
	}{
		{"no contact shown", "Saved. Ref: {{.ref}}", []string{"0 errors, 0 warnings"}, []string{"is empty"}},
		{"hotline shown", "Saved. Ref: {{.ref}}. Help: {{.contact_hotline}}",
			[]string{"the hotline is empty everywhere", "(texts: d.done)", "0 errors, 1 warnings"}, []string{"emergency number"}},
		{"emergency tested", "Saved.{{if .contact_emergency_set}} Emergency: {{.contact_emergency}}{{end}}",
			[]string{"the emergency number is empty everywhere", "(texts: d.done)"}, []string{"the hotline"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			flows, locales := writeDraft(t, draftFlow, with(draftTexts, "d.done", c.done))
			code, out, errs := runCmd(t, "lint", "-flows-dir", flows, "-locales-dir", locales)
			if code != 0 {
				t.Errorf("exit %d, want 0\n%s%s", code, out, errs)
			}
			for _, s := range c.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, problems(out))
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, problems(out))
				}
			}
		})
	}
}

// problems returns the problem and summary lines of lint's table output.
func problems(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "error: ") || strings.HasPrefix(l, "warning: ") || strings.Contains(l, " errors, ") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
