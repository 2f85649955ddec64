package smstext

import "testing"

func TestIsGSM7(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want bool
	}{
		{"empty", "", true},
		{"ascii", "Bonjour, tapez 1.", true},
		{"french gsm accents", "é è à ù É Ç ì ò", true},
		{"extension table", "^{}\\[~]|€", true},
		{"greek", "ΔΦΓΛΩΠΨΣΘΞ", true},
		{"newline and cr", "a\nb\rc", true},
		{"circumflex", "prêt", false},
		{"cedilla lower", "français", false},
		{"oe ligature", "cœur", false},
		{"apostrophe", "l’aide", false},
		{"guillemets", "«oui»", false},
		{"ellipsis", "attendez…", false},
		{"nbsp", "oui\u00a0!", false},
		{"emoji", "ok 👍", false},
		{"tab", "a\tb", false},
		{"backtick", "`", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := IsGSM7(c.in); got != c.want {
				t.Fatalf("IsGSM7(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestAlphabetSize(t *testing.T) {
	t.Parallel()
	// 128 basic characters minus ESC, plus 9 extension characters.
	if got := len(septets); got != 127+9 {
		t.Fatalf("alphabet has %d runes, want %d", got, 127+9)
	}
}
