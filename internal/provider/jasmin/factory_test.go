package jasmin

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

func TestFactory(t *testing.T) {
	t.Parallel()
	const (
		token    = "jasmin-token-0123456789"
		password = "pa55-w0rd"
		public   = "https://gw.example.org"
	)
	sending := func(more ...string) map[string]string {
		m := map[string]string{"PASSERELLE_JASMIN_SEND_URL": "http://jasmin:1401/send", "PASSERELLE_JASMIN_USERNAME": "passerelle",
			"PASSERELLE_JASMIN_PASSWORD": password}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i]] = more[i+1]
		}
		return m
	}
	cases := []providertest.FactoryCase{
		{Label: "nothing set", Settings: nil, WantOff: true},
		{Label: "only the number format", Settings: map[string]string{"PASSERELLE_JASMIN_NUMBER_FORMAT": "digits"}, WantOff: true},
		{Label: "token only", Settings: map[string]string{"PASSERELLE_JASMIN_TOKEN": token}, WantRoutes: 2},
		{Label: "sending only", Settings: sending(), WantSender: true},
		{Label: "sending and routes", Settings: sending("PASSERELLE_JASMIN_TOKEN", token), Public: public, WantRoutes: 2, WantSender: true, WantDLR: true},
		{Label: "every setting", Settings: sending("PASSERELLE_JASMIN_TOKEN", token, "PASSERELLE_JASMIN_FROM", "8123",
			"PASSERELLE_JASMIN_NUMBER_FORMAT", "00"), Public: public, WantRoutes: 2, WantSender: true, WantDLR: true},
		{Label: "send url with a query", Settings: sending("PASSERELLE_JASMIN_SEND_URL", "https://jasmin.example.org/send?x=1"), WantSender: true},
		{Label: "sending and routes without a public URL", Settings: sending("PASSERELLE_JASMIN_TOKEN", token),
			WantBad: []string{"PASSERELLE_PUBLIC_URL"}, WantRoutes: 2, WantSender: true},
		{Label: "short token", Settings: map[string]string{"PASSERELLE_JASMIN_TOKEN": "short"}, WantBad: []string{"PASSERELLE_JASMIN_TOKEN"}, WantRoutes: 2},
		{Label: "token with a space", Settings: map[string]string{"PASSERELLE_JASMIN_TOKEN": "jasmin token 0123456789"}, WantBad: []string{"PASSERELLE_JASMIN_TOKEN"}, WantRoutes: 2},
		{Label: "relative send url", Settings: sending("PASSERELLE_JASMIN_SEND_URL", "jasmin:1401/send"), WantBad: []string{"PASSERELLE_JASMIN_SEND_URL"}},
		{Label: "credentials in the send url", Settings: sending("PASSERELLE_JASMIN_SEND_URL", "http://u:"+password+"@jasmin/send"), WantBad: []string{"PASSERELLE_JASMIN_SEND_URL"}},
		{Label: "long username", Settings: sending("PASSERELLE_JASMIN_USERNAME", "a-very-long-username"), WantBad: []string{"PASSERELLE_JASMIN_USERNAME"}},
		{Label: "password with a space", Settings: sending("PASSERELLE_JASMIN_PASSWORD", "pa55 w0rd"), WantBad: []string{"PASSERELLE_JASMIN_PASSWORD"}},
		{Label: "long password", Settings: sending("PASSERELLE_JASMIN_PASSWORD", "pa55-w0rd-pa55-w0rd"), WantBad: []string{"PASSERELLE_JASMIN_PASSWORD"}},
		{Label: "username without password", Settings: map[string]string{"PASSERELLE_JASMIN_USERNAME": "passerelle"},
			WantBad: []string{"PASSERELLE_JASMIN_PASSWORD", "PASSERELLE_JASMIN_SEND_URL"}},
		{Label: "password without the rest", Settings: map[string]string{"PASSERELLE_JASMIN_PASSWORD": password},
			WantBad: []string{"PASSERELLE_JASMIN_SEND_URL", "PASSERELLE_JASMIN_USERNAME"}},
		{Label: "bad sender", Settings: sending("PASSERELLE_JASMIN_FROM", "A sender ID too long"), WantBad: []string{"PASSERELLE_JASMIN_FROM"}, WantSender: true},
		{Label: "bad number format", Settings: sending("PASSERELLE_JASMIN_NUMBER_FORMAT", "national"), WantBad: []string{"PASSERELLE_JASMIN_NUMBER_FORMAT"}, WantSender: true},
	}
	providertest.CheckFactory(t, Factory, Provider, cases, []string{token, password, "pa55 w0rd", "jasmin token"}, func(p provider.Provider) bool {
		cfg, _ := ConfigOf(p)
		_, dlr := cfg.Send.Callback.For("m1", "")
		return dlr
	})
}

// TestFactorySecretSettings: the token and password are marked secret (no
// value in -h or in errors).
func TestFactorySecretSettings(t *testing.T) {
	t.Parallel()
	providertest.CheckSettings(t, Factory, "PASSERELLE_JASMIN_", 6, "PASSERELLE_JASMIN_TOKEN", "PASSERELLE_JASMIN_PASSWORD")
}

func TestNotices(t *testing.T) {
	t.Parallel()
	sendOnly := providertest.Load(t, Factory, map[string]string{"PASSERELLE_JASMIN_SEND_URL": "http://jasmin:1401/send", "PASSERELLE_JASMIN_USERNAME": "u",
		"PASSERELLE_JASMIN_PASSWORD": "p"}, "")
	n := sendOnly.P.Notices()
	if len(n) != 2 || !n[1].Warn || !strings.Contains(n[1].Text, "no delivery receipt") {
		t.Fatalf("send-only notices %+v", n)
	}
	on := providertest.Load(t, Factory, map[string]string{"PASSERELLE_JASMIN_TOKEN": "jasmin-token-0123456789"}, "")
	if n := on.P.Notices(); len(n) != 1 || n[0].Warn || strings.Contains(n[0].Text, "0123456789") {
		t.Fatalf("notices %+v", n)
	}
}
