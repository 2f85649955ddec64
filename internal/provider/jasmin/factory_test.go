package jasmin

import (
	"fmt"
	"sort"
	"strings"
	"testing"

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
		{label: "nothing set", settings: nil, wantOff: true},
		{label: "only the number format", settings: map[string]string{"PASSERELLE_JASMIN_NUMBER_FORMAT": "digits"}, wantOff: true},
		{label: "token only", settings: map[string]string{"PASSERELLE_JASMIN_TOKEN": token}, wantRoutes: 2},
		{label: "sending only", settings: sending(), wantSender: true},
		{label: "sending and routes", settings: sending("PASSERELLE_JASMIN_TOKEN", token), public: public, wantRoutes: 2, wantSender: true, wantDLR: true},
		{label: "every setting", settings: sending("PASSERELLE_JASMIN_TOKEN", token, "PASSERELLE_JASMIN_FROM", "8123",
			"PASSERELLE_JASMIN_NUMBER_FORMAT", "00"), public: public, wantRoutes: 2, wantSender: true, wantDLR: true},
		{label: "send url with a query", settings: sending("PASSERELLE_JASMIN_SEND_URL", "https://jasmin.example.org/send?x=1"), wantSender: true},
		{label: "sending and routes without a public URL", settings: sending("PASSERELLE_JASMIN_TOKEN", token),
			wantBad: []string{"PASSERELLE_PUBLIC_URL"}, wantRoutes: 2, wantSender: true},
		{label: "short token", settings: map[string]string{"PASSERELLE_JASMIN_TOKEN": "short"}, wantBad: []string{"PASSERELLE_JASMIN_TOKEN"}, wantRoutes: 2},
		{label: "token with a space", settings: map[string]string{"PASSERELLE_JASMIN_TOKEN": "jasmin token 0123456789"}, wantBad: []string{"PASSERELLE_JASMIN_TOKEN"}, wantRoutes: 2},
		{label: "relative send url", settings: sending("PASSERELLE_JASMIN_SEND_URL", "jasmin:1401/send"), wantBad: []string{"PASSERELLE_JASMIN_SEND_URL"}},
		{label: "credentials in the send url", settings: sending("PASSERELLE_JASMIN_SEND_URL", "http://u:"+password+"@jasmin/send"), wantBad: []string{"PASSERELLE_JASMIN_SEND_URL"}},
		{label: "long username", settings: sending("PASSERELLE_JASMIN_USERNAME", "a-very-long-username"), wantBad: []string{"PASSERELLE_JASMIN_USERNAME"}},
		{label: "password with a space", settings: sending("PASSERELLE_JASMIN_PASSWORD", "pa55 w0rd"), wantBad: []string{"PASSERELLE_JASMIN_PASSWORD"}},
		{label: "long password", settings: sending("PASSERELLE_JASMIN_PASSWORD", "pa55-w0rd-pa55-w0rd"), wantBad: []string{"PASSERELLE_JASMIN_PASSWORD"}},
		{label: "username without password", settings: map[string]string{"PASSERELLE_JASMIN_USERNAME": "passerelle"},
			wantBad: []string{"PASSERELLE_JASMIN_PASSWORD", "PASSERELLE_JASMIN_SEND_URL"}},
		{label: "password without the rest", settings: map[string]string{"PASSERELLE_JASMIN_PASSWORD": password},
			wantBad: []string{"PASSERELLE_JASMIN_SEND_URL", "PASSERELLE_JASMIN_USERNAME"}},
		{label: "bad sender", settings: sending("PASSERELLE_JASMIN_FROM", "A sender ID too long"), wantBad: []string{"PASSERELLE_JASMIN_FROM"}, wantSender: true},
		{label: "bad number format", settings: sending("PASSERELLE_JASMIN_NUMBER_FORMAT", "national"), wantBad: []string{"PASSERELLE_JASMIN_NUMBER_FORMAT"}, wantSender: true},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			l := providertest.Load(t, Factory, c.settings, c.public)
			var bad []string
			for k, m := range l.Bad {
				bad = append(bad, k)
				for _, secret := range []string{token, password, "pa55 w0rd", "jasmin token"} {
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
				t.Fatalf("%d routes, sender %v, receipts %v", len(l.P.Routes()), l.P.Sender() != nil, dlr)
			}
		})
	}
}

// TestFactorySecretSettings: the token and password are marked secret (no
// value in -h or in errors).
func TestFactorySecretSettings(t *testing.T) {
	t.Parallel()
	secret := map[string]bool{"PASSERELLE_JASMIN_TOKEN": true, "PASSERELLE_JASMIN_PASSWORD": true}
	for _, s := range Factory.Settings {
		if s.Secret != secret[s.Env] || !strings.HasPrefix(s.Env, "PASSERELLE_JASMIN_") || s.Flag == "" || s.Usage == "" {
			t.Errorf("setting %+v", s)
		}
	}
	if len(Factory.Settings) != 6 {
		t.Errorf("%d settings, want 6", len(Factory.Settings))
	}
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
