package smstext

import "unicode/utf8"

// Encoding is the character set an SMS travels in.
type Encoding string

// Encodings of an SMS.
const (
	// GSM7 is the GSM 03.38 7-bit default alphabet with its extension table.
	GSM7 Encoding = "gsm7"
	// UCS2 is 16-bit UCS-2 (UTF-16 on modern handsets), used as soon as one
	// character is outside GSM-7.
	UCS2 Encoding = "ucs2"
)

// Segment capacities, in septets (GSM-7) or UTF-16 code units (UCS-2).
const (
	gsm7Single = 160
	gsm7Part   = 153 // 160 minus the 7 septets of the concatenation header
	ucs2Single = 70
	ucs2Part   = 67 // 70 minus the 3 units of the concatenation header
)

// Info describes the cost of one SMS text.
type Info struct {
	// Encoding is GSM7 when every character is GSM-7, else UCS2.
	Encoding Encoding
	// Units is the length in septets for GSM-7 (extension characters count
	// 2) or in UTF-16 code units for UCS-2 (characters outside the BMP
	// count 2).
	Units int
	// Segments is the number of SMS parts the text is sent as. It is 0 for
	// the empty string.
	Segments int
	// Chars is the number of runes (an invalid UTF-8 byte counts as one).
	Chars int
}

// Count returns the encoding, length and segment count of s.
//
// A text that fits one segment (160 septets or 70 units) is sent alone.
// Longer texts are split into concatenated parts of 153 septets or 67 units,
// packed greedily: an escape pair (GSM-7 extension character) or a surrogate
// pair (UCS-2) is never split across two parts, so a part may carry one unit
// less. The empty string is GSM-7 with 0 segments.
func Count(s string) Info {
	info := Info{Encoding: GSM7, Chars: utf8.RuneCountInString(s)}
	if s == "" {
		return info
	}
	single, part, width := gsm7Single, gsm7Part, gsm7Width
	if !IsGSM7(s) {
		info.Encoding = UCS2
		single, part, width = ucs2Single, ucs2Part, ucs2Width
	}
	used := 0 // units in the current part
	info.Segments = 1
	for _, r := range s {
		w := width(r)
		info.Units += w
		if used+w > part {
			info.Segments++
			used = 0
		}
		used += w
	}
	if info.Units <= single {
		info.Segments = 1
	}
	return info
}

// gsm7Width is the septet cost of a GSM-7 rune.
func gsm7Width(r rune) int { return septets[r] }

// ucs2Width is the number of UTF-16 code units of r.
func ucs2Width(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}
