package msg

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// PersonID is the keyed hash of a phone number. It names a person in keys
// and logs without revealing the number.
type PersonID string

// Hasher computes PersonIDs with a secret key (HMAC-SHA-256, 96 bits kept).
// It is safe for concurrent use.
type Hasher struct {
	pool sync.Pool
}

// NewHasher returns a Hasher keyed with secret.
func NewHasher(secret []byte) *Hasher {
	key := append([]byte(nil), secret...)
	return &Hasher{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

// Person returns the PersonID of a phone number.
func (h *Hasher) Person(a Address) PersonID {
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(a))
	var sum [sha256.Size]byte
	out := m.Sum(sum[:0])
	h.pool.Put(m)
	return PersonID(hex.EncodeToString(out[:12]))
}
