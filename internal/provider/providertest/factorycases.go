package providertest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
)

// FactoryCase is some settings of a provider that routes and sends (the
// SMPP gateways) and what its factory must make of them.
type FactoryCase struct {
	Label    string
	Settings map[string]string
	Public   string
	// WantBad are the settings reported, sorted; with any, what was built
	// does not matter (a bad value stops start-up).
	WantBad    []string
	WantOff    bool // no provider
	WantRoutes int
	WantSender bool
	WantDLR    bool // its messages ask for delivery reports
}

// CheckFactory loads each case through f (named name) in parallel
// subtests and checks it: the settings reported, never quoting one of
// secrets; no provider, or one with the routes, the sender and the
// delivery reports wanted (dlr tells whether a provider asks for them).
func CheckFactory(t *testing.T, f provider.Factory, name string, cases []FactoryCase, secrets []string, dlr func(provider.Provider) bool) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Label, func(t *testing.T) {
			t.Parallel()
			l := Load(t, f, c.Settings, c.Public)
			var bad []string
			for k, m := range l.Bad {
				bad = append(bad, k)
				for _, secret := range secrets {
					if strings.Contains(m, secret) {
						t.Errorf("%s: message %q quotes a secret", k, m)
					}
				}
			}
			sort.Strings(bad)
			if fmt.Sprint(bad) != fmt.Sprint(c.WantBad) {
				t.Fatalf("bad settings %v (%v), want %v", bad, l.Bad, c.WantBad)
			}
			if c.WantBad != nil {
				return
			}
			if c.WantOff {
				if l.P != nil {
					t.Fatalf("provider %v, want none", l.P)
				}
				return
			}
			if l.P == nil || l.P.Name() != name {
				t.Fatalf("provider %v", l.P)
			}
			if len(l.P.Routes()) != c.WantRoutes || (l.P.Sender() != nil) != c.WantSender || dlr(l.P) != c.WantDLR {
				t.Fatalf("%d routes, sender %v, delivery reports %v", len(l.P.Routes()), l.P.Sender() != nil, dlr(l.P))
			}
		})
	}
}

// CheckSettings fails t unless f has n settings, each named with prefix,
// with a flag and a usage, secret exactly when listed in secrets (no value
// in -h or in errors).
func CheckSettings(t *testing.T, f provider.Factory, prefix string, n int, secrets ...string) {
	t.Helper()
	secret := map[string]bool{}
	for _, s := range secrets {
		secret[s] = true
	}
	for _, s := range f.Settings {
		if s.Secret != secret[s.Env] || !strings.HasPrefix(s.Env, prefix) || s.Flag == "" || s.Usage == "" {
			t.Errorf("setting %+v", s)
		}
	}
	if len(f.Settings) != n {
		t.Errorf("%d settings, want %d", len(f.Settings), n)
	}
}
