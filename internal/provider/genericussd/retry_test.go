package genericussd

import (
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRetryChangesNothing: in each worked configuration, the aggregator
// sending the same hop again gets the same answer and changes nothing
// stored; the same answer in the next hop is a new answer.
func TestRetryChangesNothing(t *testing.T) {
	t.Parallel()
	for name, w := range wires {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, w.vals)
			const phone = msg.Address("+237670000901")
			hop := func(answers ...string) string {
				t.Helper()
				method, target, body, ct := w.request("r1", phone, answers)
				st, out, _ := s.Do(t, providertest.Request(method, target, body, ctypeOf(ct), nil))
				if st != 200 {
					t.Fatalf("%d %q", st, out)
				}
				return out
			}
			hop()
			first := hop("1") // French
			before := s.Snapshot(t, nil)
			if again := hop("1"); again != first {
				t.Fatalf("retry answered %q, first %q", again, first)
			}
			if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
				t.Fatal("a retry changed the stored state")
			}
			if next := hop("1", "1"); next == first || providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
				t.Fatalf("the next answer was taken for a retry: %q", next)
			}
		})
	}
}
