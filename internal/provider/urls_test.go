package provider

import "testing"

func TestPublicURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"https://gw.example.org", "https://gw.example.org", true},
		{"https://gw.example.org/", "https://gw.example.org", true},
		{"https://gw.example.org/passerelle/", "https://gw.example.org/passerelle", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"", "", false},
		{"gw.example.org", "", false},
		{"ftp://gw.example.org", "", false},
		{"https://gw.example.org/?a=1", "", false},
		{"https://gw.example.org/#x", "", false},
		{"https://user:pass@gw.example.org", "", false},
		{"https://", "", false},
	}
	for _, c := range cases {
		got, err := PublicURL(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("PublicURL(%q) = %q, %v; want %q ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}
