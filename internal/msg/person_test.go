package msg

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// referencePerson is Person as first written: the HMAC of the number, its
// first 12 bytes in hexadecimal.
func referencePerson(secret []byte, a Address) PersonID {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(a))
	return PersonID(hex.EncodeToString(m.Sum(nil)[:12]))
}

// TestPersonSameAsReference: the pooled buffers give the same PersonIDs,
// for numbers that fit them and for longer ones, called again and again
// with the same pooled hash.
func TestPersonSameAsReference(t *testing.T) {
	t.Parallel()
	secret := []byte("person-secret")
	h := NewHasher(secret)
	cases := []struct {
		name string
		a    Address
	}{
		{"empty", ""},
		{"cameroon", "+237670000001"},
		{"longest e164", "+123456789012345"},
		{"fills the buffer", Address(strings.Repeat("9", 32))},
		{"one past the buffer", Address(strings.Repeat("9", 33))},
		{"long", Address(strings.Repeat("+2376", 100))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want := referencePerson(secret, c.a)
			for range 3 {
				if got := h.Person(c.a); got != want {
					t.Fatalf("Person(%q) = %q, want %q", c.a, got, want)
				}
			}
		})
	}
}
