package hubtel

import (
	"testing"

	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRetryChangesNothing: Hubtel posting the same hop again (same
// session, Sequence and Message) gets the same answer and changes nothing
// stored; the same answer in the next hop (next Sequence) is a new answer.
func TestRetryChangesNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const phone = "+237670000301"
	post := func(body string) string {
		t.Helper()
		st, out, _ := s.Do(t, providertest.Request("POST", target, body, "application/json", nil))
		if st != 200 {
			t.Fatalf("%d %q", st, out)
		}
		return out
	}
	post(hubtelReq("Initiation", "r1", phone, 1, "*713#"))
	first := post(hubtelReq("Response", "r1", phone, 2, "1")) // French
	before := s.Snapshot(t, nil)
	n, _ := s.Hops()
	again := post(hubtelReq("Response", "r1", phone, 2, "1"))
	if again != first {
		t.Fatalf("retry answered %q, first %q", again, first)
	}
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatal("a retry changed the stored state")
	}
	if m, _ := s.Hops(); m != n+1 {
		t.Fatalf("the retry reached the service %d times, want once", m-n)
	}
	next := post(hubtelReq("Response", "r1", phone, 3, "1")) // "1" again, a new hop: consent given
	if next == first || providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatalf("the same answer in the next hop was taken for a retry: %q", next)
	}
}
