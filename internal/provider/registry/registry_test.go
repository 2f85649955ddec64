package registry

import (
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
)

// TestFactoriesDistinct: no two providers share a name, and no two
// settings share an environment variable or a flag.
func TestFactoriesDistinct(t *testing.T) {
	t.Parallel()
	names, envs, flags := map[string]bool{Log: true}, map[string]bool{}, map[string]bool{}
	for _, f := range Factories() {
		if f.Name == "" || names[f.Name] || f.Load == nil {
			t.Fatalf("provider %q: empty, repeated or without Load", f.Name)
		}
		names[f.Name] = true
	}
	for _, s := range Settings() {
		if s.Env == "" || s.Flag == "" || envs[s.Env] || flags[s.Flag] {
			t.Fatalf("setting %s (-%s): empty or repeated", s.Env, s.Flag)
		}
		envs[s.Env], flags[s.Flag] = true, true
	}
}

// TestLoadUSSDRoutes: the Hubtel and generic USSD routes are mounted once
// their tokens are set, beside Africa's Talking's, and send nothing.
func TestLoadUSSDRoutes(t *testing.T) {
	t.Parallel()
	vals := map[string]string{
		"PASSERELLE_HUBTEL_TOKEN":       "hubtel-token-0123456789",
		"PASSERELLE_GENERIC_USSD_TOKEN": "generic-token-0123456789",
	}
	defaults := map[string]string{}
	for _, s := range Settings() {
		defaults[s.Env] = s.Default
	}
	var bad []string
	set := Load(provider.Env{
		Get: func(env string) string {
			if v, ok := vals[env]; ok {
				return v
			}
			return defaults[env]
		},
		Bad:     func(env, format string, a ...any) { bad = append(bad, env) },
		Serving: true,
	}, "")
	if len(bad) != 0 || set.SMS != Log {
		t.Fatalf("bad %v, sms %s", bad, set.SMS)
	}
	paths := map[string]bool{}
	for _, r := range set.Routes() {
		paths[r.Path] = true
	}
	for _, p := range []string{"/ussd/africastalking", "/ussd/hubtel", "/ussd/generic"} {
		if !paths[p] {
			t.Fatalf("routes %v, want %s", paths, p)
		}
	}
}
