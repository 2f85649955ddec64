//go:build !race

package msg

import (
	"strings"
	"testing"
)

// TestPersonAllocs: a PersonID costs one allocation, its string (the race
// detector's sync.Pool drops hashes at random, hence the build tag); a
// number longer than the pooled buffer costs one more.
func TestPersonAllocs(t *testing.T) {
	h := NewHasher([]byte("person-secret"))
	cases := []struct {
		name string
		a    Address
		want float64
	}{
		{"e164", "+237670000001", 1},
		{"long", Address(strings.Repeat("9", 40)), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.Person(c.a) // the pool's first hash
			if n := testing.AllocsPerRun(100, func() { h.Person(c.a) }); n != c.want {
				t.Fatalf("%v allocations a PersonID, want %v", n, c.want)
			}
		})
	}
}
