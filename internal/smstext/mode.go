package smstext

import (
	"fmt"
	"strings"
)

// Mode is how outgoing text is shaped, set by PASSERELLE_SMS_SHAPING.
type Mode string

// Shaping modes.
const (
	// ModeNone sends text as written. It is the default.
	ModeNone Mode = "none"
	// ModeGSM7 shapes text with Shape before sending.
	ModeGSM7 Mode = "gsm7"
)

// ParseMode returns the Mode named by s ("none" or "gsm7", any case,
// surrounding spaces ignored); the empty string gives ModeNone. It returns an
// error for any other value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeNone, nil
	case ModeNone, ModeGSM7:
		return m, nil
	}
	return "", fmt.Errorf("error parsing SMS shaping mode %q: want none or gsm7", s)
}

// Apply returns s shaped according to the mode: Shape(s) for ModeGSM7, s
// unchanged for ModeNone or any unknown mode.
func (m Mode) Apply(s string) string {
	if m == ModeGSM7 {
		return Shape(s)
	}
	return s
}
