package flow

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Apply checks an answer and returns it normalised (spaces trimmed and
// collapsed). ok is false when the answer does not satisfy the check.
func (c *Check) Apply(in string) (string, bool) {
	s := strings.Join(strings.Fields(in), " ")
	if c == nil {
		return s, s != ""
	}
	switch c.Kind {
	case CheckNumber, CheckYear:
		if c.Kind == CheckYear && len(s) != 4 {
			return s, false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < c.Min || n > c.Max {
			return s, false
		}
		return strconv.Itoa(n), true
	default:
		n := utf8.RuneCountInString(s)
		if n < c.Min || (c.Max > 0 && n > c.Max) || n == 0 {
			return s, false
		}
		if c.Chars == "name" && !nameChars(s) {
			return s, false
		}
		if !hasLetter(s) {
			// Only digits and keys ("98", "0", "*#"): a navigation key
			// or a slip, never a town or a word.
			return s, false
		}
		return s, true
	}
}

// nameChars accepts a name: at least one letter, no digit and no control
// character. Punctuation is let through: on a feature phone a person may
// type '*' or '#' where they meant a space.
func nameChars(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r), unicode.IsControl(r):
			return false
		}
	}
	return letter
}

// hasLetter tells whether s holds at least one letter.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
