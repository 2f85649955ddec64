package msg

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// Address is a phone number in E.164 form: '+' then 8 to 15 digits, the first
// not zero.
type Address string

// DefaultRegion is the region a number without its country code is read in
// until SetDefaultRegion changes it: Cameroon.
const DefaultRegion = "CM"

var defaultRegion atomic.Value // string

// SetDefaultRegion sets the region (ISO 3166 code, "CM") in which
// ParseAddress reads numbers written without their country code. The gateway
// calls it once at start-up from PASSERELLE_PHONE_REGION.
func SetDefaultRegion(region string) error {
	r := strings.ToUpper(strings.TrimSpace(region))
	if phonenumbers.GetCountryCodeForRegion(r) == 0 {
		return fmt.Errorf("error setting phone region %q: not a region with a numbering plan", region)
	}
	defaultRegion.Store(r)
	return nil
}

func currentRegion() string {
	if r, ok := defaultRegion.Load().(string); ok {
		return r
	}
	return DefaultRegion
}

// ParseAddress reads a phone number as providers send it and returns it in
// E.164 form. It takes the number with or without '+', with the
// international prefix ("00"), in national form (read in the default region,
// see SetDefaultRegion), and with spaces, dashes, dots, slashes or
// parentheses. It returns ErrInvalidAddress (wrapped) for anything that
// cannot be a phone number: letters, a wrong length for the country, an
// unknown country code.
func ParseAddress(s string) (Address, error) {
	return ParseAddressIn(s, currentRegion())
}

// ParseAddressIn is ParseAddress with the region given.
func ParseAddressIn(s, region string) (Address, error) {
	s = strings.TrimSpace(s)
	if a, ok := parseE164(s); ok {
		return a, nil
	}
	return parseAddress(s, region)
}

// parseE164 is the common case of ParseAddressIn, a number that providers
// already send in E.164 form, at the cost of one parse instead of two (the
// parse was a quarter of a hop's CPU): for such a number the region does not
// matter (the '+' gives the country), so the read-back parse of
// parseAddress would repeat the first one; a number accepted recently is
// not parsed again (e164Seen), and a Cameroon number is not parsed at all
// nor cached (cameroonPossible). ok is false for anything else, including a number
// parseAddress refuses: parseAddress then decides.
func parseE164(s string) (Address, bool) {
	if !e164Shape(s) {
		return "", false
	}
	// A Cameroon number is decided by its length, cheaper than the cache
	// (two hashes and a lock), which it therefore does not fill.
	if possible, decided := cameroonPossible(s); decided {
		if !possible {
			return "", false
		}
		return Address(s), true
	}
	if e164Seen.has(s) {
		return Address(s), true
	}
	if !possibleE164(s) {
		return "", false
	}
	e164Seen.add(s)
	return Address(s), true
}

// e164Shape tells whether s looks like an E.164 number: '+', then 8 to 15
// digits, the first not zero.
func e164Shape(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// possibleE164 is the library's answer for s, which e164Shape accepted:
// whether s is a possible number that formats back to itself.
func possibleE164(s string) bool {
	num, err := phonenumbers.Parse(s, "")
	return err == nil && phonenumbers.IsPossibleNumber(num) && phonenumbers.Format(num, phonenumbers.E164) == s
}

// cameroonPossible gives possibleE164's answer without the library (a
// length check instead of a parse of some 13 µs and 34 allocations) for s,
// which e164Shape accepted, when s is a Cameroon number: "+237" then the
// national number. decided is false for any other country code;
// possibleE164 then answers. Every session of the load tool is a new such
// number.
//
// The rule, from the metadata of nyaruka/phonenumbers v1.8.1 for region CM
// (country code 237, the only region with that code, and neither 2 nor 23
// is a country code): the general description's possible lengths are 8 and
// 9 with no local-only length, so IsPossibleNumber accepts a national
// number of 8 or 9 digits and nothing else; CM has no national prefix for
// parsing, so Parse strips nothing after "+237"; and Format gives the
// national number back digit for digit, leading zeros included ("+2370…"
// is possible too). Check it again when the library is upgraded:
// TestCameroonPossibleSameAsLibrary compares the two.
func cameroonPossible(s string) (possible, decided bool) {
	const prefix = "+237"
	if !strings.HasPrefix(s, prefix) {
		return false, false
	}
	n := len(s) - len(prefix)
	return n == 8 || n == 9, true
}

// parseAddress is ParseAddressIn for any form of number.
func parseAddress(s, region string) (Address, error) {
	if s == "" || len(s) > 40 {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	digits, plus := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && !plus && digits == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '(' || r == ')' || r == '\u00a0':
		default:
			// Letters are refused: the library would read them as a
			// vanity number's keypad digits, and a sender ID is not a
			// phone number.
			return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
		}
	}
	if digits < 6 || digits > 17 {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	if !phonenumbers.IsPossibleNumber(num) {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if len(e164) < 9 || len(e164) > 16 || e164[0] != '+' || e164[1] == '0' {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	// The E.164 form must read back as itself: a national prefix the
	// library dropped ("+31 0…") can leave a number that is no longer
	// possible, and one person must have one address.
	back, err := phonenumbers.Parse(e164, "")
	if err != nil || !phonenumbers.IsPossibleNumber(back) || phonenumbers.Format(back, phonenumbers.E164) != e164 {
		return "", fmt.Errorf("error parsing phone number: %w", ErrInvalidAddress)
	}
	return Address(e164), nil
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
