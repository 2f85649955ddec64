package redisstore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/seal"
)

// decodeRegistration turns a registration hash into a msg.Registration,
// opening sealed values. It returns an error when the created time does not
// parse or a sealed value does not open (a key no longer configured).
func (s *Store) decodeRegistration(h map[string]string) (msg.Registration, error) {
	phone, err := s.openField("phone", h["phone"])
	if err != nil {
		return msg.Registration{}, fmt.Errorf("error reading registration %s: %w", h["ref"], err)
	}
	r := msg.Registration{
		Ref:     h["ref"],
		Person:  msg.PersonID(h["person"]),
		Phone:   msg.Address(phone),
		Lang:    msg.Lang(h["lang"]),
		Channel: msg.Channel(h["channel"]),
		Answers: make(map[string]string, len(h)),
	}
	if c := h["created"]; c != "" {
		t, err := time.Parse(time.RFC3339, c)
		if err != nil {
			return msg.Registration{}, fmt.Errorf("error parsing registration %s created time: %w", r.Ref, err)
		}
		r.Created = t
	}
	for k, v := range h {
		if name, ok := strings.CutPrefix(k, answerPrefix); ok {
			plain, err := s.openField(k, v)
			if err != nil {
				return msg.Registration{}, fmt.Errorf("error reading registration %s: %w", r.Ref, err)
			}
			r.Answers[name] = plain
		}
	}
	return r, nil
}

// sealField seals a value for field when encryption is on.
func (s *Store) sealField(field, v string) string {
	if s.seal == nil || v == "" {
		return v
	}
	return s.seal.Seal(field, v)
}

// openField opens a sealed value; a plain one is returned as it is.
func (s *Store) openField(field, v string) (string, error) {
	if _, sealed := seal.Sealed(v); !sealed {
		return v, nil
	}
	if s.seal == nil {
		return "", fmt.Errorf("error opening %s: %w", field, ErrNoKey)
	}
	return s.seal.Open(field, v)
}

// ErrNoKey is returned for a sealed value read by a store with no
// encryption key.
var ErrNoKey = errors.New("sealed but no key is configured (PASSERELLE_ENCRYPTION_KEYS)")
