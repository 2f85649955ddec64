package jasmin

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/channel"
)

func TestGSMTable(t *testing.T) {
	t.Parallel()
	if len(gsmBasic) != 128 {
		t.Fatalf("%d characters in the default alphabet, want 128", len(gsmBasic))
	}
	for c, want := range map[byte]rune{0x00: '@', 0x02: '$', 0x05: 'é', 0x09: 'Ç', 0x11: '_', 0x1B: ' ', 0x1F: 'É',
		0x20: ' ', 0x24: '¤', 0x40: '¡', 0x41: 'A', 0x5F: '§', 0x60: '¿', 0x61: 'a', 0x7F: 'à'} {
		if gsmBasic[c] != want {
			t.Errorf("0x%02X is %q, want %q", c, gsmBasic[c], want)
		}
	}
}

func TestDecodeContent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, coding string
		raw           string
		want          string
		wantReason    string
	}{
		{"gsm ascii letters", "0", "Bonjour 12", "Bonjour 12", ""},
		{"gsm default coding", "", "Oui", "Oui", ""},
		{"gsm accents", "0", "Caf\x05 \x7F Douala \x04", "Café à Douala è", ""},
		{"gsm at and dollar", "0", "\x00 \x02", "@ $", ""},
		{"gsm extension", "0", "\x1B\x65 5 \x1B\x28x\x1B\x29", "€ 5 {x}", ""},
		{"gsm unknown escape shows the base character", "0", "\x1BA", "A", ""},
		{"gsm final escape is a space", "0", "ok\x1B", "ok ", ""},
		{"gsm with a message class", "240", "Salut", "Salut", ""},
		{"coding 0 carrying utf-8", "0", "Caf\xc3\xa9", "Café", ""},
		{"coding 0 carrying latin-1", "0", "Caf\xe9", "Café", ""},
		{"ascii", "1", "Hello @ home", "Hello @ home", ""},
		{"latin-1", "3", "Fran\xe7ais", "Français", ""},
		{"ucs-2", "8", "\x00\xc7\x00a\x20\x19\x00s", "Ça’s", ""},
		{"ucs-2 with a class", "24", "\x00O", "O", ""},
		{"ucs-2 emoji", "8", "\xd8\x3d\xde\x42", "🙂", ""},
		{"ucs-2 odd length", "8", "\x00a\x00", "", "content is not UCS-2"},
		{"binary", "4", "\x01\x02", "", "unsupported coding"},
		{"octet unspecified", "2", "ab", "", "unsupported coding"},
		{"compressed", "32", "ab", "", "unsupported coding"},
		{"8-bit with a class", "244", "ab", "", "unsupported coding"},
		{"not a number", "x", "a", "", "bad coding"},
		{"negative", "-1", "a", "", "bad coding"},
		{"too big", "256", "a", "", "bad coding"},
		{"too long", "0008", "a", "", "bad coding"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			a, err := alphabetOf(c.coding)
			var got string
			if err == nil {
				got, err = decodeContent(a, []byte(c.raw))
			}
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
