package redisstore

import (
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestHopKeys checks that the key names a load cuts from one string, and
// person's, are the ones the rest of the store writes.
func TestHopKeys(t *testing.T) {
	for _, prefix := range []string{"", "psl:", "a-much-longer-prefix:"} {
		for _, sms := range []bool{false, true} {
			t.Run(prefix, func(t *testing.T) {
				k, p := newKeyspace(prefix), msg.PersonID("0123456789abcdef01234567")
				var got [kCount]string
				k.hop(p, sms, &got)
				ps := string(p)
				want := [kCount]string{kConv: prefix + "conv:{" + ps + "}", kLang: prefix + "person:{" + ps + "}",
					kDD: prefix + "dd:{" + ps + "}", kQuota: k.quota(p)}
				if sms {
					want[kWindow], want[kFlood] = k.campWindow(p), k.flood(p)
				}
				if got != want {
					t.Fatalf("hop keys (sms %v):\n got %q\nwant %q", sms, got, want)
				}
				if conv, person, dd := k.person(p); conv != want[kConv] || person != want[kLang] || dd != want[kDD] {
					t.Fatalf("person keys %q %q %q, want %q", conv, person, dd, want[:kQuota])
				}
			})
		}
	}
}
