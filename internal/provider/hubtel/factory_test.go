package hubtel

import (
	"strings"
	"testing"
)

// TestFactory: the route is off without its token, on with a good one,
// and a bad token is reported by its setting, never quoted.
func TestFactory(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label   string
		token   string
		wantOn  bool
		wantBad string
	}{
		{label: "no token: off", token: ""},
		{label: "good token", token: token, wantOn: true},
		{label: "short token", token: "short-token-1234", wantOn: true},
		{label: "too short", token: "short-token-123", wantOn: true, wantBad: "at least 16 characters"},
		{label: "not URL-safe", token: "secret token with spaces", wantOn: true, wantBad: "at least 16 characters"},
		{label: "query characters", token: "abcdefghijklmnop&x=1", wantOn: true, wantBad: "it goes in a URL"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			bad := map[string]string{}
			p := Factory.Load(testEnv(map[string]string{TokenEnv: c.token}, bad))
			if (p != nil) != c.wantOn {
				t.Fatalf("provider %v, want on=%v", p, c.wantOn)
			}
			if got := bad[TokenEnv]; !strings.Contains(got, c.wantBad) || (c.wantBad == "") != (len(bad) == 0) {
				t.Fatalf("bad = %v, want %q", bad, c.wantBad)
			}
			for _, m := range bad {
				if c.token != "" && strings.Contains(m, c.token) {
					t.Fatalf("the error quotes the token: %q", m)
				}
			}
			if p == nil {
				return
			}
			routes := p.Routes()
			if p.Name() != Provider || p.Sender() != nil || len(routes) != 1 || len(p.Notices()) != 1 {
				t.Fatalf("provider %s: sender %v, routes %d, notices %v", p.Name(), p.Sender(), len(routes), p.Notices())
			}
			r := routes[0]
			if r.Path != Path || len(r.Methods) != 1 || r.Methods[0] != "POST" || r.Auth == nil || r.Conversation == nil || r.Refuse == nil {
				t.Fatalf("route %+v", r)
			}
		})
	}
}

// TestFactorySettings: the one setting is secret, named as Load reads it.
func TestFactorySettings(t *testing.T) {
	t.Parallel()
	if len(Factory.Settings) != 1 || Factory.Settings[0].Env != TokenEnv || !Factory.Settings[0].Secret || Factory.Name != Provider {
		t.Fatalf("settings %+v", Factory.Settings)
	}
}
