package smstext

// gsm7Basic is the GSM 03.38 default alphabet, as Unicode.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Extension is the part of the GSM 03.38 extension table Passerelle
// accepts. Each of these costs two septets: an escape and the character.
const gsm7Extension = "^{}\\[~]|€"

// septets maps every GSM-7 rune to its cost in septets (1 or 2).
var septets = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsm7Basic {
		m[r] = 1
	}
	for _, r := range gsm7Extension {
		m[r] = 2
	}
	return m
}()

// IsGSM7 reports whether every rune of s is in the GSM 03.38 default alphabet
// or its extension table (^ { } \ [ ~ ] | €). The empty string is GSM-7.
func IsGSM7(s string) bool {
	for _, r := range s {
		if septets[r] == 0 {
			return false
		}
	}
	return true
}
