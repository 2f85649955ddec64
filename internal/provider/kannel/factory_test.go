package kannel

import (
	"fmt"
	"sort"
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
	cases := []struct {
		label      string
		settings   map[string]string
		public     string
		wantBad    []string // settings reported
		wantOff    bool     // no provider
		wantRoutes int
		wantSender bool
		wantDLR    bool
	}{
		{label: "nothing set", wantOff: true},
		{label: "only the smsc", settings: map[string]string{"PASSERELLE_KANNEL_SMSC": "mtn_cm"}, wantOff: true},
		{label: "token only", settings: map[string]string{"PASSERELLE_KANNEL_TOKEN": token}, wantRoutes: 2},
		{label: "sending only", settings: sending(), wantSender: true},
		{label: "sending and routes", settings: sending("PASSERELLE_KANNEL_TOKEN", token), public: public, wantRoutes: 2, wantSender: true, wantDLR: true},
		{label: "every setting", settings: sending("PASSERELLE_KANNEL_TOKEN", token, "PASSERELLE_KANNEL_FROM", "+237 222 00 00 00",
			"PASSERELLE_KANNEL_SMSC", "mtn_cm", "PASSERELLE_KANNEL_NUMBER_FORMAT", "DIGITS"), public: public, wantRoutes: 2, wantSender: true, wantDLR: true},
		{label: "sending and routes without a public URL", settings: sending("PASSERELLE_KANNEL_TOKEN", token),
			wantBad: []string{"PASSERELLE_PUBLIC_URL"}},
		{label: "short token", settings: map[string]string{"PASSERELLE_KANNEL_TOKEN": "short"}, wantBad: []string{"PASSERELLE_KANNEL_TOKEN"}},
		{label: "token with a slash", settings: map[string]string{"PASSERELLE_KANNEL_TOKEN": "kannel/token/0123456789"}, wantBad: []string{"PASSERELLE_KANNEL_TOKEN"}},
		{label: "relative send url", settings: sending("PASSERELLE_KANNEL_SEND_URL", "kannel:13013/cgi-bin/sendsms"), wantBad: []string{"PASSERELLE_KANNEL_SEND_URL"}},
		{label: "credentials in the send url", settings: sending("PASSERELLE_KANNEL_SEND_URL", "http://u:"+password+"@kannel/cgi-bin/sendsms"), wantBad: []string{"PASSERELLE_KANNEL_SEND_URL"}},
		{label: "username with a space", settings: sending("PASSERELLE_KANNEL_USERNAME", "pass erelle"), wantBad: []string{"PASSERELLE_KANNEL_USERNAME"}},
		{label: "password with a space", settings: sending("PASSERELLE_KANNEL_PASSWORD", "pa55 w0rd"), wantBad: []string{"PASSERELLE_KANNEL_PASSWORD"}},
		{label: "username without password", settings: map[string]string{"PASSERELLE_KANNEL_USERNAME": "passerelle"},
			wantBad: []string{"PASSERELLE_KANNEL_PASSWORD", "PASSERELLE_KANNEL_SEND_URL"}},
		{label: "password without the rest", settings: map[string]string{"PASSERELLE_KANNEL_PASSWORD": password},
			wantBad: []string{"PASSERELLE_KANNEL_SEND_URL", "PASSERELLE_KANNEL_USERNAME"}},
		{label: "bad sender", settings: sending("PASSERELLE_KANNEL_FROM", "A sender ID too long"), wantBad: []string{"PASSERELLE_KANNEL_FROM"}},
		{label: "bad smsc", settings: sending("PASSERELLE_KANNEL_SMSC", "mtn cm"), wantBad: []string{"PASSERELLE_KANNEL_SMSC"}},
		{label: "bad number format", settings: sending("PASSERELLE_KANNEL_NUMBER_FORMAT", "+"), wantBad: []string{"PASSERELLE_KANNEL_NUMBER_FORMAT"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			l := providertest.Load(t, Factory, c.settings, c.public)
			var bad []string
			for k, m := range l.Bad {
				bad = append(bad, k)
				for _, secret := range []string{token, password, "pa55 w0rd", "kannel/token"} {
					if strings.Contains(m, secret) {
						t.Errorf("%s: message %q quotes a secret", k, m)
					}
				}
			}
			sort.Strings(bad)
			if fmt.Sprint(bad) != fmt.Sprint(c.wantBad) {
				t.Fatalf("bad settings %v (%v), want %v", bad, l.Bad, c.wantBad)
			}
			if c.wantBad != nil {
				return // a bad value stops start-up: what was built does not matter
			}
			if c.wantOff {
				if l.P != nil {
					t.Fatalf("provider %v, want none", l.P)
				}
				return
			}
			if l.P == nil || l.P.Name() != Provider {
				t.Fatalf("provider %v", l.P)
			}
			cfg, _ := ConfigOf(l.P)
			_, dlr := cfg.Send.Callback.For("m1", "")
			if len(l.P.Routes()) != c.wantRoutes || (l.P.Sender() != nil) != c.wantSender || dlr != c.wantDLR {
				t.Fatalf("%d routes, sender %v, reports %v", len(l.P.Routes()), l.P.Sender() != nil, dlr)
			}
		})
	}
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
	secret := map[string]bool{"PASSERELLE_KANNEL_TOKEN": true, "PASSERELLE_KANNEL_PASSWORD": true}
	for _, s := range Factory.Settings {
		if s.Secret != secret[s.Env] || !strings.HasPrefix(s.Env, "PASSERELLE_KANNEL_") || s.Flag == "" || s.Usage == "" {
			t.Errorf("setting %+v", s)
		}
	}
	if len(Factory.Settings) != 7 {
		t.Errorf("%d settings, want 7", len(Factory.Settings))
	}
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
