package smstext

import "testing"

func TestParseMode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Mode
		ok   bool
	}{
		{"", ModeNone, true},
		{"none", ModeNone, true},
		{"gsm7", ModeGSM7, true},
		{" GSM7 ", ModeGSM7, true},
		{"ucs2", "", false},
		{"gsm-7", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMode(c.in)
			if c.ok != (err == nil) || got != c.want {
				t.Fatalf("ParseMode(%q) = %q, %v; want %q, ok=%v", c.in, got, err, c.want, c.ok)
			}
		})
	}
}

func TestModeApply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode     Mode
		in, want string
	}{
		{ModeNone, "prêt…", "prêt…"},
		{ModeGSM7, "prêt…", "pret..."},
		{Mode("bogus"), "prêt", "prêt"},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			t.Parallel()
			if got := c.mode.Apply(c.in); got != c.want {
				t.Fatalf("%q.Apply(%q) = %q, want %q", c.mode, c.in, got, c.want)
			}
		})
	}
}
