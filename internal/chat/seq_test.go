package chat_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestLatestAnswerLateRetry: on a route that sends only the latest answer
// with a hop number (Hubtel's Sequence), a late retry of an earlier hop,
// arriving after the next one, answers nothing: the screen shown stays, and
// the consent the retried "1" would have given is not given.
func TestLatestAnswerLateRetry(t *testing.T) {
	t.Parallel()
	a := newHarness(t)
	const from = msg.Address("+237670004401")
	hop := func(seq int, text string) string { return hop2(t, a.Service, from, "L1", seq, text) }
	hop(1, "")             // dial
	hop(2, "1")            // Français
	consent := hop(3, "1") // M'inscrire: the consent question
	if !strings.Contains(consent, "Acceptez-vous?") {
		t.Fatalf("screen %q, want the consent question", consent)
	}
	if late := hop(2, "1"); late != consent {
		t.Fatalf("late retry of hop 2 answered %q, want the consent question again", late)
	}
	if again := hop(3, "1"); again != consent {
		t.Fatalf("retry of hop 3 answered %q", again)
	}
	if next := hop(4, "1"); !strings.Contains(next, "Votre nom complet") {
		t.Fatalf("hop 4 (yes) answered %q, want the name question", next)
	}
	// A new session starts its numbering afresh: its second hop is an
	// answer, not a late retry of the first session's.
	resume := hop2(t, a.Service, from, "L2", 1, "")
	if next := hop2(t, a.Service, from, "L2", 2, "2"); next == resume || next == "" {
		t.Fatalf("second hop of a new session answered %q after %q", next, resume)
	}
}

// hop2 sends one latest-answer hop of session and returns the screen.
func hop2(t *testing.T, h interface {
	Handle(context.Context, msg.Inbound) (msg.Reply, error)
}, from msg.Address, session string, seq int, text string) string {
	t.Helper()
	r, err := h.Handle(context.Background(), msg.Inbound{Channel: msg.USSD, Provider: "latest", From: from, To: "*384*123#",
		Session: session, Text: text, Seq: strconv.Itoa(seq)})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(r.Messages, "\n")
}
