package provider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
)

// NumberFormat is how a route wants the numbers it sends to written.
type NumberFormat string

// Number formats.
const (
	// E164 is "+237670000001".
	E164 NumberFormat = "e164"
	// Digits is E.164 without the '+': "237670000001".
	Digits NumberFormat = "digits"
	// Intl00 is the international prefix 00: "00237670000001".
	Intl00 NumberFormat = "00"
)

// ParseNumberFormat reads a NumberFormat setting ("" is E164).
func ParseNumberFormat(s string) (NumberFormat, error) {
	switch f := NumberFormat(strings.ToLower(s)); f {
	case "":
		return E164, nil
	case E164, Digits, Intl00:
		return f, nil
	}
	return "", fmt.Errorf("error reading number format: want e164, digits or 00")
}

// Format writes a (E.164) as f says.
func (f NumberFormat) Format(a msg.Address) string {
	s := strings.TrimPrefix(string(a), "+")
	switch f {
	case Digits:
		return s
	case Intl00:
		return "00" + s
	}
	return "+" + s
}

// senderID is an alphanumeric sender ID or a short code.
var senderID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ]{0,10}$`)

// SendingAddress checks a sending address and returns it as providers
// want it: a value written as an international number ('+', "(+" or "00")
// in E.164 form, a short code or an alphanumeric sender ID (at most 11
// letters and digits) as written.
func SendingAddress(s string) (string, bool) {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "(+") || strings.HasPrefix(s, "00") {
		a, err := msg.ParseAddress(s)
		return string(a), err == nil
	}
	return s, senderID.MatchString(s)
}

// LoadSendingAddress reads the sending address setting env (empty allowed);
// a bad value is reported as "want " + want.
func LoadSendingAddress(e Env, env, want string) string {
	v := e.Get(env)
	if v == "" {
		return ""
	}
	a, ok := SendingAddress(v)
	if !ok {
		e.Bad(env, "want %s", want)
	}
	return a
}
