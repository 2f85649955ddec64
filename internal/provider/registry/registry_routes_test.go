package registry_test

import (
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/registry"
)

// TestLoadUSSDRoutes: the Hubtel and generic USSD routes are mounted once
// their tokens are set, beside Africa's Talking's, and send nothing.
func TestLoadUSSDRoutes(t *testing.T) {
	t.Parallel()
	vals := map[string]string{
		"PASSERELLE_HUBTEL_TOKEN":       "hubtel-token-0123456789",
		"PASSERELLE_GENERIC_USSD_TOKEN": "generic-token-0123456789",
	}
	var bad []string
	set := registry.Load(provider.Env{
		Get:     provider.WithDefaults(registry.Settings(), func(env string) string { return vals[env] }),
		Bad:     func(env, format string, a ...any) { bad = append(bad, env) },
		Serving: true,
	}, "")
	if len(bad) != 0 || set.SMS != registry.Log {
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
