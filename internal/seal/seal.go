// Package seal encrypts values at rest with AES-256-GCM under named keys,
// so that keys can be rotated: each sealed value carries the id of the key
// that sealed it. A value that is not sealed is read as it is, so turning
// encryption on leaves older values readable.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// prefix starts every sealed value: "enc:<key id>:<base64 of nonce and
// ciphertext>".
const prefix = "enc:"

// Keys seals with the current key and opens with any of them. It is safe
// for concurrent use.
type Keys struct {
	current string
	aeads   map[string]cipher.AEAD
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// ParseKeys reads "id:base64key[,id:base64key…]": each key 32 bytes in
// standard base64, the first one sealing, the others only opening (older
// keys during a rotation). It returns an error naming what is wrong, never
// showing a key.
func ParseKeys(s string) (*Keys, error) {
	k := &Keys{aeads: map[string]cipher.AEAD{}}
	for i, part := range strings.Split(s, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || !keyID.MatchString(id) {
			return nil, errors.New("error reading keys: want id:base64key pairs, ids of letters, digits, _ and -")
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("error reading key %q: want 32 bytes in base64 (openssl rand -base64 32)", id)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("error reading keys: id %q twice", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("error reading key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("error reading key %q: %w", id, err)
		}
		k.aeads[id] = aead
		if i == 0 {
			k.current = id
		}
	}
	return k, nil
}

// Current is the id of the key that seals.
func (k *Keys) Current() string { return k.current }

// Seal encrypts plain for the field named field (bound to it: a value moved
// to another field does not open).
func (k *Keys) Seal(field, plain string) string {
	a := k.aeads[k.current]
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	_, _ = rand.Read(nonce)
	out := a.Seal(nonce, nonce, []byte(plain), []byte(field))
	return prefix + k.current + ":" + base64.RawStdEncoding.EncodeToString(out)
}

// ErrUnknownKey is returned for a value sealed with a key no longer
// configured.
var ErrUnknownKey = errors.New("sealed with an unknown key")

// Open decrypts a value Seal made for field; a value that is not sealed is
// returned as it is. It returns ErrUnknownKey (wrapped) for a key not
// configured, or an error when the value was altered.
func (k *Keys) Open(field, v string) (string, error) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return v, nil
	}
	id, b64, ok := strings.Cut(rest, ":")
	if !ok {
		return "", errors.New("error opening value: malformed")
	}
	a, known := k.aeads[id]
	if !known {
		return "", fmt.Errorf("error opening value with key %q: %w", id, ErrUnknownKey)
	}
	raw, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(raw) < a.NonceSize() {
		return "", errors.New("error opening value: malformed")
	}
	plain, err := a.Open(nil, raw[:a.NonceSize()], raw[a.NonceSize():], []byte(field))
	if err != nil {
		return "", fmt.Errorf("error opening value: %w", err)
	}
	return string(plain), nil
}

// Sealed tells whether v is a sealed value, and with which key.
func Sealed(v string) (keyID string, ok bool) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok
}
