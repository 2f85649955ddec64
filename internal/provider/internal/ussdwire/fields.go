package ussdwire

import (
	"strings"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/msg"
)

// Limits on a hop's fields.
const (
	// MaxSessionID and MaxServiceCode are in bytes (printable ASCII).
	MaxSessionID   = 128
	MaxServiceCode = 64
	// MaxSeq bounds a hop number or per-hop id.
	MaxSeq = 64
	// MaxInput is in bytes; a longer input is refused with 413.
	MaxInput = 1024
)

// Missing returns a 400 *channel.Error naming the fields in names whose
// present flag is false, or nil when none is missing.
func Missing(names []string, present []bool) error {
	var out []string
	for i, n := range names {
		if !present[i] {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return channel.BadRequest("missing field: %s", strings.Join(out, ", "))
}

// Session checks a session id named name.
func Session(name, v string) error {
	if !channel.ValidID(v, MaxSessionID) {
		return channel.BadRequest("bad %s", name)
	}
	return nil
}

// ServiceCode checks a dialled service code named name ("*415#", "415").
func ServiceCode(name, v string) error {
	if !channel.ValidID(v, MaxServiceCode) {
		return channel.BadRequest("bad %s", name)
	}
	return nil
}

// Seq checks a hop number or per-hop id named name.
func Seq(name, v string) error {
	if !channel.ValidID(v, MaxSeq) {
		return channel.BadRequest("bad %s", name)
	}
	return nil
}

// Phone reads the caller's number named name (msg.ParseAddress: any form
// with the default region); the reason never quotes it.
func Phone(name, v string) (msg.Address, error) {
	a, err := msg.ParseAddress(v)
	if err != nil {
		return "", channel.BadRequest("%s is not a phone number", name)
	}
	return a, nil
}

// Input checks what the person typed, named name: UTF-8, at most MaxInput
// bytes (413 beyond).
func Input(name, v string) error {
	switch {
	case len(v) > MaxInput:
		return &channel.Error{Status: 413, Reason: name + " too long"}
	case !utf8.ValidString(v):
		return channel.BadRequest("%s is not UTF-8", name)
	}
	return nil
}
