package kannel

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/channel"
)

func TestDecodeText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, coding, charset, raw string
		want, wantReason            string
	}{
		{"utf-8 by default", "", "", "Café à Douala", "Café à Douala", ""},
		{"7-bit utf-8", "0", "UTF-8", "Ça va ? 5 €", "Ça va ? 5 €", ""},
		{"charset in lower case", "0", "utf-8", "oui", "oui", ""},
		{"7-bit not utf-8", "0", "UTF-8", "Caf\xe9", "", "text is not UTF-8"},
		{"ucs-2 by default", "2", "", "\x00\xc7\x00a", "Ça", ""},
		{"ucs-2 named", "2", "UTF-16BE", "\xd8\x3d\xde\x42", "🙂", ""},
		{"ucs-2 recoded to utf-8 by mo-recode", "0", "UTF-8", "d’accord", "d’accord", ""},
		{"ucs-2 odd length", "2", "UTF-16BE", "\x00a\x00", "", "text is not UCS-2"},
		{"latin-1", "0", "ISO-8859-1", "Fran\xe7ais", "Français", ""},
		{"windows-1252", "0", "WINDOWS-1252", "l\x92\xe9t\xe9 \x80", "l’été €", ""},
		{"windows-1252 undefined byte", "0", "WINDOWS-1252", "a\x81", "a\ufffd", ""},
		{"binary", "1", "8-BIT", "\x01\x02", "", "unsupported coding"},
		{"bad coding", "3", "", "a", "", "bad coding"},
		{"unsupported charset", "0", "KOI8-R", "a", "", "unsupported charset"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			got, err := decodeText(c.coding, c.charset, []byte(c.raw))
			if c.wantReason != "" {
				if e, ok := channel.AsError(err); !ok || e.Status != 400 || !strings.Contains(e.Reason, c.wantReason) {
					t.Fatalf("err = %v, want 400 %q", err, c.wantReason)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("decoded %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
