package msg

import (
	"fmt"
	"strings"
)

// Address is a phone number in E.164 form: '+' then 8 to 15 digits, the first
// not zero.
type Address string

// ParseAddress checks and normalises a phone number. Spaces are dropped and a
// leading "00" becomes '+'. It returns ErrInvalidAddress (wrapped) for
// anything that is not an E.164 number.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, " ", "")
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
		}
	}
	return Address(s), nil
}

// Masked returns the number with all but its country prefix and last two
// digits hidden. It is for the one place a hint of the number is wanted (the
// log sender's output, used when no SMS provider is configured); every other
// log line names a person by the keyed hash.
func (a Address) Masked() string {
	s := string(a)
	if len(s) < 7 {
		return "***"
	}
	return s[:4] + strings.Repeat("*", len(s)-6) + s[len(s)-2:]
}
