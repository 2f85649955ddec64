package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestDDField: a dedupe name's field is the hex of the first 16 bytes of
// its SHA-256 whatever its length (the stored fields of earlier versions
// still answer retries), in one allocation for a provider's message name.
func TestDDField(t *testing.T) {
	for _, d := range []string{"twilio|m|SM0123456789abcdef0123456789abcdef", "x", strings.Repeat("long|", 60)} {
		sum := sha256.Sum256([]byte(d))
		if got, want := ddField(d), hex.EncodeToString(sum[:16]); got != want {
			t.Fatalf("ddField(%q) = %s, want %s", d, got, want)
		}
	}
	if ddField("") != "" {
		t.Fatal("no dedupe name, yet a field")
	}
	d := "twilio|m|SM0123456789abcdef0123456789abcdef"
	if n := testing.AllocsPerRun(100, func() { _ = ddField(d) }); n != 1 {
		t.Fatalf("%v allocations, want 1", n)
	}
}
