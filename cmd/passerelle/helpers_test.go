package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/flow"
)

// noEnv is an empty environment: every setting takes its default.
func noEnv(string) string { return "" }

// runCmd runs the command line args and returns its exit status, stdout and
// stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, noEnv, &out, &errb)
	return code, out.String(), errb.String()
}

// draftFlow is a small flow: a menu leading to a registration and its SMS.
const draftFlow = `spec: 1
flow: main
start: menu
nodes:
  menu:
    type: menu
    say: d.menu
    options:
      - {label: d.yes, go: saved}
  saved:
    type: end
    do: [save_registration, "send_sms:d.sms"]
    say: d.done
`

// draftTexts are the texts of draftFlow in one language.
var draftTexts = map[string]string{
	"d.menu": "Draft menu", "d.yes": "Yes", "d.done": "Saved. Ref: {{.ref}}", "d.sms": "Your ref: {{.ref}}",
}

// writeDraft writes a flows and a locales directory: flowText as main.yaml,
// and in both languages every built-in and service message plus texts.
// It returns the two directories.
func writeDraft(t *testing.T, flowText string, texts map[string]string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	flows, locales := filepath.Join(dir, "flows"), filepath.Join(dir, "locales")
	for _, d := range []string{flows, locales} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(flows, "main.yaml"), []byte(flowText), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	seen := map[string]bool{}
	for _, id := range append(append([]string{}, flow.BuiltinMessages...), chat.Messages...) {
		if !seen[id] {
			seen[id] = true
			b.WriteString(id + ": \"" + id + "\"\n")
		}
	}
	for id, text := range texts {
		b.WriteString(id + ": \"" + text + "\"\n")
	}
	for _, lang := range []string{"fr", "en"} {
		if err := os.WriteFile(filepath.Join(locales, "draft."+lang+".yaml"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return flows, locales
}

// with returns a copy of m with more entries.
func with(m map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(m)+len(kv)/2)
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// configCase is one row of a configuration table test.
type configCase struct {
	label   string
	env     map[string]string
	args    []string
	wantErr string // the variable the error must name; "" for a valid configuration
	errSays string // a phrase the error must also hold; "" for none
	check   func(c Config) bool
}

// testSecrets are the secret values the configuration tests set; no error
// may quote one.
var testSecrets = []string{testTwilioToken, testATKey, testATToken, testUSSDToken, testRedisPassword, testURLPassword, "short-secret", "secret&token"}

// runConfigCases loads each case as `serve` does and checks it: a valid
// configuration that passes check, or an error naming wantErr, holding
// errSays and quoting no secret.
func runConfigCases(t *testing.T, cases []configCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			cfg, _, err := loadConfig("serve", c.args, envOf(c.env))
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !c.check(cfg) {
					t.Fatalf("config %+v", cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr+":") {
				t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
			}
			if !strings.Contains(err.Error(), c.errSays) {
				t.Errorf("error does not say %q: %v", c.errSays, err)
			}
			for _, secret := range testSecrets {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error quotes a secret: %v", err)
				}
			}
		})
	}
}
