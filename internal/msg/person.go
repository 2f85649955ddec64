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

// personBytes is how many bytes of the HMAC a PersonID keeps (96 bits),
// written as twice as many hexadecimal digits.
const personBytes = 12

// Hasher computes PersonIDs with a secret key (HMAC-SHA-256, 96 bits kept).
// It is safe for concurrent use.
type Hasher struct {
	pool sync.Pool // of *personHash
}

// personHash is a pooled HMAC with the buffers of one Person call, so that
// the number written and the sum read allocate nothing: a PersonID costs the
// allocation of its string only.
type personHash struct {
	mac hash.Hash
	in  [32]byte // an E.164 number (16 bytes at most) fits; a longer one is converted
	sum [sha256.Size]byte
}

// NewHasher returns a Hasher keyed with secret.
func NewHasher(secret []byte) *Hasher {
	key := append([]byte(nil), secret...)
	return &Hasher{pool: sync.Pool{New: func() any { return &personHash{mac: hmac.New(sha256.New, key)} }}}
}

// Person returns the PersonID of a phone number.
func (h *Hasher) Person(a Address) PersonID {
	p := h.pool.Get().(*personHash)
	p.mac.Reset()
	if len(a) <= len(p.in) {
		n := copy(p.in[:], a)
		p.mac.Write(p.in[:n])
		clear(p.in[:n]) // the pool keeps no number
	} else {
		p.mac.Write([]byte(a))
	}
	var hx [2 * personBytes]byte
	hex.Encode(hx[:], p.mac.Sum(p.sum[:0])[:personBytes])
	h.pool.Put(p)
	return PersonID(hx[:])
}
