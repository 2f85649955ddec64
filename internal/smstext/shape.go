package smstext

import "strings"

// shapes maps French typography outside GSM-7 to its closest GSM-7 spelling.
// None of the keys is GSM-7, so shaping leaves GSM-7 text untouched.
var shapes = map[rune]string{
	'â': "a", 'ê': "e", 'î': "i", 'ô': "o", 'û': "u",
	'Â': "A", 'Ê': "E", 'Î': "I", 'Ô': "O", 'Û': "U",
	'ë': "e", 'ï': "i", 'ÿ': "y", 'Ë': "E", 'Ï': "I", 'Ÿ': "Y",
	'À': "A", 'È': "E", 'Ù': "U",
	'ç': "c", // Ç is GSM-7 and kept
	'œ': "oe", 'Œ': "OE",
	'’': "'", '‘': "'", '‚': "'", '‛': "'",
	'“': `"`, '”': `"`, '„': `"`, '«': `"`, '»': `"`,
	'…': "...",
	'–': "-", '—': "-", '‑': "-", '‐': "-",
	'\u00a0': " ", '\u202f': " ", '\u2009': " ",
}

// Shape rewrites French text towards GSM-7: accents outside the GSM-7
// alphabet lose them (â→a, ç→c, Ê→E…), œ becomes oe, typographic quotes and
// apostrophes become ' and ", guillemets become " and lose the spaces that
// usually sit inside them («\u00a0x\u00a0» → "x"), … becomes ..., dashes
// become -, and non-breaking spaces become spaces. Characters already in
// GSM-7 (é è à ù É Ç …) are kept, and any other character is left as is, so
// the result may still need UCS-2: Count tells. Shape is idempotent.
func Shape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	afterOpen := false // just wrote an opening guillemet: skip spaces
	for _, r := range s {
		if afterOpen && isSpace(r) {
			continue
		}
		afterOpen = false
		switch r {
		case '«':
			afterOpen = true
		case '»':
			trimmed := strings.TrimRight(b.String(), " \u00a0\u202f\u2009")
			b.Reset()
			b.WriteString(trimmed)
		}
		if to, ok := shapes[r]; ok {
			b.WriteString(to)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isSpace reports whether r is a space that may sit inside guillemets.
func isSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}
