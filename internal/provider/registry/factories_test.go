package registry

import (
	"fmt"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
)

// TestFactoriesAreDistinct: no two providers share a name, a setting or a
// flag, and with every route on no two routes share a method and path (the
// web server would mount both, and one would never be reached).
func TestFactoriesAreDistinct(t *testing.T) {
	t.Parallel()
	names, envs, flags := map[string]bool{}, map[string]bool{}, map[string]bool{}
	defaults := map[string]string{}
	for _, f := range Factories() {
		if f.Name == "" || f.Name == Log || names[f.Name] {
			t.Errorf("provider name %q empty, reserved or used twice", f.Name)
		}
		names[f.Name] = true
		for _, s := range f.Settings {
			if envs[s.Env] || flags[s.Flag] {
				t.Errorf("%s: setting %s or flag %s used twice", f.Name, s.Env, s.Flag)
			}
			envs[s.Env], flags[s.Flag], defaults[s.Env] = true, true, s.Default
		}
	}
	on := map[string]string{
		"PASSERELLE_AT_SMS_TOKEN":       "at-sms-token-0123456789",
		"PASSERELLE_TWILIO_AUTH_TOKEN":  "0123456789abcdef0123456789abcdef",
		"PASSERELLE_JASMIN_TOKEN":       "jasmin-token-0123456789",
		"PASSERELLE_KANNEL_TOKEN":       "kannel-token-0123456789",
		"PASSERELLE_HUBTEL_TOKEN":       "hubtel-token-0123456789",
		"PASSERELLE_GENERIC_USSD_TOKEN": "generic-token-0123456789",
	}
	env := provider.Env{
		Get: func(k string) string {
			if v, ok := on[k]; ok {
				return v
			}
			return defaults[k]
		},
		Bad:       func(k, format string, a ...any) { t.Errorf("%s: %s", k, fmt.Sprintf(format, a...)) },
		PublicURL: "https://gw.example.org",
	}
	set := Load(env, "")
	if len(set.Providers) != len(Factories()) {
		t.Fatalf("%d providers on, want %d", len(set.Providers), len(Factories()))
	}
	mounted := map[string]bool{}
	for _, r := range set.Routes() {
		for _, m := range r.Methods {
			if k := m + " " + r.Path; mounted[k] {
				t.Errorf("route %s mounted twice", k)
			} else {
				mounted[k] = true
			}
		}
	}
	for _, k := range []string{"POST /ussd/hubtel", "POST /ussd/generic", "POST /sms/jasmin", "POST /sms/jasmin/dlr", "GET /sms/kannel", "POST /sms/kannel", "GET /sms/kannel/dlr"} {
		if !mounted[k] {
			t.Errorf("route %s not mounted", k)
		}
	}
}
