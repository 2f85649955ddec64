package kannel

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

func TestFactory(t *testing.T) {
	t.Parallel()
	const (
		token    = "kannel-token-0123456789"
		password = "pa55-w0rd"
		public   = "https://gw.example.org"
	)
	sending := func(more ...string) map[string]string {
		m := map[string]string{"PASSERELLE_KANNEL_SEND_URL": "http://kannel:13013/cgi-bin/sendsms", "PASSERELLE_KANNEL_USERNAME": "passerelle",
			"PASSERELLE_KANNEL_PASSWORD": password}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i]] = more[i+1]
		}
		return m
	}
	cases := []providertest.FactoryCase{
		{Label: "nothing set", WantOff: true},
		{Label: "only the smsc", Settings: map[string]string{"PASSERELLE_KANNEL_SMSC": "mtn_cm"}, WantOff: true},
		{Label: "token only", Settings: map[string]string{"PASSERELLE_KANNEL_TOKEN": token}, WantRoutes: 2},
		{Label: "sending only", Settings: sending(), WantSender: true},
		{Label: "sending and routes", Settings: sending("PASSERELLE_KANNEL_TOKEN", token), Public: public, WantRoutes: 2, WantSender: true, WantDLR: true},
		{Label: "every setting", Settings: sending("PASSERELLE_KANNEL_TOKEN", token, "PASSERELLE_KANNEL_FROM", "+237 222 00 00 00",
			"PASSERELLE_KANNEL_SMSC", "mtn_cm", "PASSERELLE_KANNEL_NUMBER_FORMAT", "DIGITS"), Public: public, WantRoutes: 2, WantSender: true, WantDLR: true},
		{Label: "sending and routes without a public URL", Settings: sending("PASSERELLE_KANNEL_TOKEN", token),
			WantBad: []string{"PASSERELLE_PUBLIC_URL"}},
		{Label: "short token", Settings: map[string]string{"PASSERELLE_KANNEL_TOKEN": "short"}, WantBad: []string{"PASSERELLE_KANNEL_TOKEN"}},
		{Label: "token with a slash", Settings: map[string]string{"PASSERELLE_KANNEL_TOKEN": "kannel/token/0123456789"}, WantBad: []string{"PASSERELLE_KANNEL_TOKEN"}},
		{Label: "relative send url", Settings: sending("PASSERELLE_KANNEL_SEND_URL", "kannel:13013/cgi-bin/sendsms"), WantBad: []string{"PASSERELLE_KANNEL_SEND_URL"}},
		{Label: "credentials in the send url", Settings: sending("PASSERELLE_KANNEL_SEND_URL", "http://u:"+password+"@kannel/cgi-bin/sendsms"), WantBad: []string{"PASSERELLE_KANNEL_SEND_URL"}},
		{Label: "username with a space", Settings: sending("PASSERELLE_KANNEL_USERNAME", "pass erelle"), WantBad: []string{"PASSERELLE_KANNEL_USERNAME"}},
		{Label: "password with a space", Settings: sending("PASSERELLE_KANNEL_PASSWORD", "pa55 w0rd"), WantBad: []string{"PASSERELLE_KANNEL_PASSWORD"}},
		{Label: "username without password", Settings: map[string]string{"PASSERELLE_KANNEL_USERNAME": "passerelle"},
			WantBad: []string{"PASSERELLE_KANNEL_PASSWORD", "PASSERELLE_KANNEL_SEND_URL"}},
		{Label: "password without the rest", Settings: map[string]string{"PASSERELLE_KANNEL_PASSWORD": password},
			WantBad: []string{"PASSERELLE_KANNEL_SEND_URL", "PASSERELLE_KANNEL_USERNAME"}},
		{Label: "bad sender", Settings: sending("PASSERELLE_KANNEL_FROM", "A sender ID too long"), WantBad: []string{"PASSERELLE_KANNEL_FROM"}},
		{Label: "bad smsc", Settings: sending("PASSERELLE_KANNEL_SMSC", "mtn cm"), WantBad: []string{"PASSERELLE_KANNEL_SMSC"}},
		{Label: "bad number format", Settings: sending("PASSERELLE_KANNEL_NUMBER_FORMAT", "+"), WantBad: []string{"PASSERELLE_KANNEL_NUMBER_FORMAT"}},
	}
	providertest.CheckFactory(t, Factory, Provider, cases, []string{token, password, "pa55 w0rd", "kannel/token"}, func(p provider.Provider) bool {
		cfg, _ := ConfigOf(p)
		_, dlr := cfg.Send.Callback.For("m1", "")
		return dlr
	})
}

// TestFactoryEverySetting: each setting reaches the configuration as
// checked.
func TestFactoryEverySetting(t *testing.T) {
	t.Parallel()
	l := providertest.Load(t, Factory, map[string]string{"PASSERELLE_KANNEL_TOKEN": testToken, "PASSERELLE_KANNEL_SEND_URL": "http://kannel:13013/cgi-bin/sendsms",
		"PASSERELLE_KANNEL_USERNAME": "passerelle", "PASSERELLE_KANNEL_PASSWORD": "pw", "PASSERELLE_KANNEL_FROM": "+237 222 00 00 00",
		"PASSERELLE_KANNEL_SMSC": "mtn_cm", "PASSERELLE_KANNEL_NUMBER_FORMAT": "00"}, "https://gw.example.org/")
	cfg, ok := ConfigOf(l.P)
	s := cfg.Send
	if !ok || len(l.Bad) != 0 || cfg.Token != testToken || s.URL != "http://kannel:13013/cgi-bin/sendsms" || s.Username != "passerelle" ||
		s.Password != "pw" || s.From != "+237222000000" || s.SMSC != "mtn_cm" || s.Format != provider.Intl00 {
		t.Fatalf("config %+v, bad %v", cfg, l.Bad)
	}
}

// TestFactorySecretSettings: the token and password are marked secret (no
// value in -h or in errors).
func TestFactorySecretSettings(t *testing.T) {
	t.Parallel()
	providertest.CheckSettings(t, Factory, "PASSERELLE_KANNEL_", 7, "PASSERELLE_KANNEL_TOKEN", "PASSERELLE_KANNEL_PASSWORD")
}

func TestNotices(t *testing.T) {
	t.Parallel()
	sendOnly := providertest.Load(t, Factory, map[string]string{"PASSERELLE_KANNEL_SEND_URL": "http://kannel:13013/cgi-bin/sendsms",
		"PASSERELLE_KANNEL_USERNAME": "u", "PASSERELLE_KANNEL_PASSWORD": "p"}, "")
	n := sendOnly.P.Notices()
	if len(n) != 2 || !n[1].Warn || !strings.Contains(n[1].Text, "no delivery report") {
		t.Fatalf("send-only notices %+v", n)
	}
	on := providertest.Load(t, Factory, map[string]string{"PASSERELLE_KANNEL_TOKEN": testToken}, "")
	if n := on.P.Notices(); len(n) != 1 || n[0].Warn || !strings.Contains(n[0].Text, "max-messages = 0") || strings.Contains(n[0].Text, testToken) {
		t.Fatalf("notices %+v", n)
	}
}
