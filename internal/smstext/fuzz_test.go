package smstext

import (
	"testing"
	"unicode/utf8"
)

func FuzzCount(f *testing.F) {
	for _, s := range []string{"", "a", "€", "prêt «\u00a0oui\u00a0» …", "😀ê", "\xff\xfe", "Ça coûte 5 €"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info := Count(s)
		if info.Chars != utf8.RuneCountInString(s) {
			t.Fatalf("Chars = %d, want %d", info.Chars, utf8.RuneCountInString(s))
		}
		if (s == "") != (info.Segments == 0) {
			t.Fatalf("Segments = %d for %q", info.Segments, s)
		}
		if (info.Encoding == GSM7) != IsGSM7(s) {
			t.Fatalf("Encoding = %s, IsGSM7 = %v", info.Encoding, IsGSM7(s))
		}
		if info.Units < info.Chars || info.Units > 2*info.Chars {
			t.Fatalf("Units = %d for %d chars", info.Units, info.Chars)
		}
		single, part := gsm7Single, gsm7Part
		if info.Encoding == UCS2 {
			single, part = ucs2Single, ucs2Part
		}
		switch {
		case info.Units == 0:
		case info.Units <= single:
			if info.Segments != 1 {
				t.Fatalf("Segments = %d for %d units", info.Segments, info.Units)
			}
		default:
			// Every part but the last carries part or part-1 units.
			if info.Segments < (info.Units+part-1)/part || (info.Segments-1)*(part-1) >= info.Units {
				t.Fatalf("Segments = %d for %d units", info.Segments, info.Units)
			}
		}
		shaped := Shape(s)
		if Shape(shaped) != shaped {
			t.Fatalf("Shape not idempotent on %q", s)
		}
		if IsGSM7(s) && shaped != s {
			t.Fatalf("Shape changed GSM-7 text %q to %q", s, shaped)
		}
		if shapeable(s) && !IsGSM7(shaped) {
			t.Fatalf("Shape(%q) = %q, not GSM-7", s, shaped)
		}
	})
}

// shapeable reports whether every rune of s is GSM-7 or shaped to GSM-7.
func shapeable(s string) bool {
	for _, r := range s {
		if _, ok := shapes[r]; !ok && !IsGSM7(string(r)) {
			return false
		}
	}
	return true
}
