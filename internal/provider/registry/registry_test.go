package registry_test

import (
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/registry"
)

// TestPick: the provider that sends is the one chosen, else the only one
// able to, else none ("log"); two able ones must be chosen between.
func TestPick(t *testing.T) {
	t.Parallel()
	twilio := map[string]string{"PASSERELLE_TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef",
		"PASSERELLE_TWILIO_AUTH_TOKEN": "7w1l10s3cr3770k3n0123456789abcde", "PASSERELLE_TWILIO_FROM": "+15005550006"}
	at := map[string]string{"PASSERELLE_AT_USERNAME": "sandbox", "PASSERELLE_AT_API_KEY": "at-secret-api-key-0123456789"}
	both := map[string]string{}
	for _, m := range []map[string]string{twilio, at} {
		for k, v := range m {
			both[k] = v
		}
	}
	cases := []struct {
		label  string
		env    map[string]string
		choice string
		want   string
		bad    string // the setting reported; "" for none
	}{
		{"nothing: log", map[string]string{}, "", registry.Log, ""},
		{"only twilio", twilio, "", "twilio", ""},
		{"only africastalking", at, "", "africastalking", ""},
		{"both, chosen", both, "africastalking", "africastalking", ""},
		{"both, chosen in capitals", both, "TWILIO", "twilio", ""},
		{"both, log chosen", both, "log", registry.Log, ""},
		{"both, none chosen", both, "", registry.Log, "PASSERELLE_SMS_PROVIDER"},
		{"unknown", map[string]string{}, "pigeon", registry.Log, "PASSERELLE_SMS_PROVIDER"},
		{"a USSD route sends no SMS", map[string]string{}, "hubtel", registry.Log, "PASSERELLE_SMS_PROVIDER"},
		{"a gateway chosen without its send settings", map[string]string{"PASSERELLE_JASMIN_TOKEN": "jasmin-token-0123456789"},
			"jasmin", "jasmin", "PASSERELLE_SMS_PROVIDER"},
		{"chosen without its settings", map[string]string{}, "africastalking", "africastalking", "PASSERELLE_AT_USERNAME"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			var bad []string
			get := provider.WithDefaults(registry.Settings(), func(k string) string { return c.env[k] })
			set := registry.Load(provider.Env{Get: get,
				Bad:       func(env, f string, a ...any) { bad = append(bad, env) },
				PublicURL: "https://gw.example.org"}, c.choice)
			if set.SMS != c.want {
				t.Fatalf("SMS = %q, want %q", set.SMS, c.want)
			}
			if (c.bad == "") != (len(bad) == 0) || (c.bad != "" && bad[0] != c.bad) {
				t.Fatalf("bad settings %v, want %q", bad, c.bad)
			}
		})
	}
}
