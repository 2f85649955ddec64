package kannel

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRegistration: a first-time person registers in French and in
// English by SMS through Kannel: each answer comes as smsbox calls the
// get-url, each reply is what the outbox sent to the fake sendsms.
func TestRegistration(t *testing.T) {
	t.Parallel()
	for i, r := range providertest.Registrations {
		t.Run(string(r.Lang), func(t *testing.T) {
			t.Parallel()
			f := newFakeKannel(t, nil)
			s := gateway(t, f, nil)
			phone := msg.Address(fmt.Sprintf("+23767000041%d", i))
			n, seen := 0, 0
			screens := r.Walk(t, func(answers []string) string {
				text := "Bonjour"
				if len(answers) > 0 {
					text = answers[len(answers)-1]
				}
				n++
				q := moQuery(fmt.Sprintf("8d1c0b8e-0000-4000-8000-%012d", n), strings.TrimPrefix(string(phone), "+"), text)
				if st, b, _ := s.Do(t, providertest.Request(http.MethodGet, moURL(q), "", "", nil)); st != 200 || b != "" {
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
