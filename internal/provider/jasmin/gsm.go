package jasmin

import "strings"

// gsmBasic is the GSM 03.38 default alphabet in code order (0x00-0x7F);
// 0x1B, the escape to the extension table, is written as a space.
var gsmBasic = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

// gsmExtension is the GSM 03.38 extension table: the character after an
// escape (0x1B).
var gsmExtension = map[byte]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

const gsmEscape = 0x1B

// decodeGSM decodes GSM 03.38 septets, one a byte (as SMPP carries them
// unpacked); every byte must be at most 0x7F. As 3GPP TS 23.038 says, an
// escape before a character the extension table lacks shows that
// character from the default alphabet, and a final escape shows a space.
func decodeGSM(b []byte) string {
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == gsmEscape && i+1 < len(b) {
			i++
			if r, ok := gsmExtension[b[i]]; ok {
				s.WriteRune(r)
				continue
			}
			c = b[i]
		}
		s.WriteRune(gsmBasic[c])
	}
	return s.String()
}
