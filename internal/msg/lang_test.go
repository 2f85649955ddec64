package msg_test

import (
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestParseLang: any code of two or three lowercase letters is a language
// (which ones have texts is the catalog's business); anything else is
// refused with an error.
func TestParseLang(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want msg.Lang
		ok   bool
	}{
		{"fr", msg.French, true},
		{"en", msg.English, true},
		{"pcm", "pcm", true},
		{"ff", "ff", true},
		{"ewo", "ewo", true},
		{"", "", false},
		{"f", "", false},
		{"FR", "", false},
		{"Pcm", "", false},
		{"fr-CM", "", false},
		{"fr_CM", "", false},
		{"abcd", "", false},
		{"f1", "", false},
		{" fr", "", false},
		{"é", "", false},
		{"../", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := msg.ParseLang(c.in)
			if (err == nil) != c.ok || got != c.want {
				t.Fatalf("ParseLang(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
			}
		})
	}
}
