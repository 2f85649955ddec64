package chat

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// referenceDedupeKeys is dedupeKeys as first written, by concatenation.
func referenceDedupeKeys(in msg.Inbound) (dd, hop string) {
	if in.ExternalID != "" {
		return in.Provider + "|m|" + in.ExternalID, ""
	}
	key := in.Provider + "|" + in.Session + "|" + in.Text
	if in.Seq != "" {
		key = in.Provider + "|" + in.Session + "|" + in.Seq + "|" + in.Text
	}
	sum := sha256.Sum256([]byte(key))
	return "", hex.EncodeToString(sum[:8])
}

// dedupeCases are hops of both channels, with and without a sequence
// number, with keys that fit the stack buffer and keys that do not.
var dedupeCases = []struct {
	name string
	in   msg.Inbound
}{
	{"sms", msg.Inbound{Provider: "twilio", ExternalID: "SM0123456789abcdef", Session: "s", Text: "Bonjour"}},
	{"ussd first hop", msg.Inbound{Provider: "africastalking", Session: "ATUid_0123456789abcdef"}},
	{"ussd", msg.Inbound{Provider: "africastalking", Session: "ATUid_0123456789abcdef", Text: "1*1*2"}},
	{"ussd seq", msg.Inbound{Provider: "hubtel", Session: "0123456789", Seq: "3", Text: "2"}},
	{"ussd empty", msg.Inbound{}},
	{"ussd fills the buffer", msg.Inbound{Provider: "p", Session: "s", Text: strings.Repeat("9", 256-4)}},
	{"ussd past the buffer", msg.Inbound{Provider: "p", Session: "s", Seq: "7", Text: strings.Repeat("1*", 600)}},
}

// TestDedupeKeysSameAsReference: the names are the bytes they always were
// (they are stored in conversation records and the dedupe cache).
func TestDedupeKeysSameAsReference(t *testing.T) {
	t.Parallel()
	for _, c := range dedupeCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dd, hop := dedupeKeys(c.in)
			wantDD, wantHop := referenceDedupeKeys(c.in)
			if dd != wantDD || hop != wantHop {
				t.Fatalf("dedupeKeys = %q, %q, want %q, %q", dd, hop, wantDD, wantHop)
			}
		})
	}
}

// TestDedupeKeysAllocs: a hop's names cost one allocation, the returned
// string, unless a USSD key outgrows the stack buffer.
func TestDedupeKeysAllocs(t *testing.T) {
	want := map[string]float64{"ussd past the buffer": 2}
	for _, c := range dedupeCases {
		t.Run(c.name, func(t *testing.T) {
			w, ok := want[c.name]
			if !ok {
				w = 1
			}
			if n := testing.AllocsPerRun(100, func() { dedupeKeys(c.in) }); n != w {
				t.Fatalf("%v allocations, want %v", n, w)
			}
		})
	}
}
