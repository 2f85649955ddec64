package smstext

import (
	"strings"
	"testing"
)

func TestCount(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	e := func(n int) string { return strings.Repeat("ê", n) }
	emoji := "😀" // one rune, a surrogate pair in UTF-16
	cases := []struct {
		name string
		in   string
		want Info
	}{
		{"empty", "", Info{GSM7, 0, 0, 0}},
		{"one char", "a", Info{GSM7, 1, 1, 1}},
		{"160 plain", a(160), Info{GSM7, 160, 1, 160}},
		{"161 plain", a(161), Info{GSM7, 161, 2, 161}},
		{"306 plain", a(306), Info{GSM7, 306, 2, 306}},
		{"307 plain", a(307), Info{GSM7, 307, 3, 307}},
		{"158 plus euro fits", a(158) + "€", Info{GSM7, 160, 1, 159}},
		{"159 plus euro", a(159) + "€", Info{GSM7, 161, 2, 160}},
		// 152 septets then an escape pair: 154 > 153, the pair opens part 2.
		{"escape pair straddles 153", a(152) + "€" + a(10), Info{GSM7, 164, 2, 163}},
		// 304 septets + pair: part 1 holds 152 (pair moved), part 2 153, part 3 the rest.
		{"escape pair pushes a third part", a(152) + "€" + a(152), Info{GSM7, 306, 3, 305}},
		{"same units without straddle", a(151) + "€" + a(153), Info{GSM7, 306, 2, 305}},
		{"70 ucs2", e(70), Info{UCS2, 70, 1, 70}},
		{"71 ucs2", e(71), Info{UCS2, 71, 2, 71}},
		{"134 ucs2", e(134), Info{UCS2, 134, 2, 134}},
		{"135 ucs2", e(135), Info{UCS2, 135, 3, 135}},
		{"one gsm char in ucs2 text", "ê" + a(69), Info{UCS2, 70, 1, 70}},
		{"emoji fits single", e(68) + emoji, Info{UCS2, 70, 1, 69}},
		{"emoji overflows single", e(69) + emoji, Info{UCS2, 71, 2, 70}},
		// 66 units then a pair: 68 > 67, the pair opens part 2.
		{"surrogate pair straddles 67", e(66) + emoji + e(5), Info{UCS2, 73, 2, 72}},
		{"surrogate pair pushes a third part", e(66) + emoji + e(66), Info{UCS2, 134, 3, 133}},
		{"surrogate pair at end of part", e(65) + emoji + e(67), Info{UCS2, 134, 2, 133}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := Count(c.in); got != c.want {
				t.Fatalf("Count = %+v, want %+v", got, c.want)
			}
		})
	}
}
