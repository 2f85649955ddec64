package jasmin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRegistration: a first-time person registers in French and in
// English by SMS through Jasmin: each answer is posted as Jasmin posts an
// inbound message, each reply is what the outbox sent to the fake Jasmin
// (decoded from GSM or UCS-2 as the handset shows it).
func TestRegistration(t *testing.T) {
	t.Parallel()
	for i, r := range providertest.Registrations {
		t.Run(string(r.Lang), func(t *testing.T) {
			t.Parallel()
			f := newFakeJasmin(t, nil)
			s := gateway(t, f, nil)
			phone := msg.Address(fmt.Sprintf("+23767000040%d", i))
			n, seen := 0, 0
			screens := r.Walk(t, func(answers []string) string {
				text := "Bonjour"
				if len(answers) > 0 {
					text = answers[len(answers)-1]
				}
				n++
				body := moForm(fmt.Sprintf("mo-%s-%d", r.Lang, n), strings.TrimPrefix(string(phone), "+"), text).Encode()
				if st, b, _ := s.Post(t, moTarget, body, nil); st != 200 || b != Ack {
					t.Fatalf("answer %d (%q): %d %q", n, text, st, b)
				}
				s.Outbox.Drain(t)
				sent := f.received()
				var screen []string
				for _, m := range sent[seen:] {
					if m.To != string(phone) {
						t.Fatalf("a reply went to %s", m.To)
					}
					screen = append(screen, m.Text)
				}
				seen = len(sent)
				return strings.Join(screen, "\n")
			})
			s.CheckRegistered(t, r, phone, screens)
		})
	}
}
