package africastalking

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// referenceFormatUSSD is FormatUSSD as first written.
func referenceFormatUSSD(r msg.Reply) string {
	text := strings.Join(r.Messages, "\n")
	if r.End {
		return "END " + text
	}
	return "CON " + text
}

// formatCases are replies of every shape, with the allocations each costs:
// one, the answer, unless it is the bare prefix.
var formatCases = []struct {
	name   string
	r      msg.Reply
	allocs float64
}{
	{"no message", msg.Reply{}, 0},
	{"ending, no message", msg.Reply{End: true}, 0},
	{"one empty message", msg.Reply{Messages: []string{""}}, 0},
	{"two empty messages", msg.Reply{Messages: []string{"", ""}}, 1},
	{"menu", msg.Reply{Messages: []string{"Bienvenue\n1. Inscription\n2. Infos"}}, 1},
	{"several", msg.Reply{Messages: []string{"Merci", "Réf. 7KQ4", "Au revoir"}, End: true}, 1},
}

// TestFormatUSSDSameAsReference: answers are the bytes they always were.
func TestFormatUSSDSameAsReference(t *testing.T) {
	t.Parallel()
	for _, c := range formatCases {
		t.Run(c.name, func(t *testing.T) {
			if got, want := FormatUSSD(c.r), referenceFormatUSSD(c.r); got != want {
				t.Fatalf("FormatUSSD = %q, want %q", got, want)
			}
		})
	}
}

var sinkAnswer string

// TestFormatUSSDAllocs: an answer is built in one allocation, however many
// messages the reply has (Join then the prefix cost two).
func TestFormatUSSDAllocs(t *testing.T) {
	for _, c := range formatCases {
		t.Run(c.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, func() { sinkAnswer = FormatUSSD(c.r) }); n != c.allocs {
				t.Fatalf("%v allocations, want %v", n, c.allocs)
			}
		})
	}
}
