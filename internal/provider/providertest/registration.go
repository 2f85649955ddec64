package providertest

import (
	"context"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// Registration is the common path of a first-time caller in one language:
// the answers from the first dial to the reference code, the start of the
// last screen, and the name it registers (registration_common_*.script).
type Registration struct {
	Lang    msg.Lang
	Answers []string
	Name    string
	// Done starts the last screen (after the USSD "END " or the SMS).
	Done string
}

// Registrations are the common path in French and in English.
var Registrations = []Registration{
	{Lang: "fr", Name: "Awa Moussa", Done: "Merci Awa Moussa! Inscription enregistrée. Ref: ",
		Answers: []string{"1", "1", "1", "Awa Moussa", "3", "1", "1", "5", "Douala", "1", "2", "1"}},
	{Lang: "en", Name: "Grace Ndoye", Done: "Thank you Grace Ndoye! Registration saved. Ref: ",
		Answers: []string{"2", "1", "1", "Grace Ndoye", "3", "1", "1", "5", "Douala", "1", "2", "1"}},
}

// Walk plays r through hop: hop(nil) dials, then hop(answers so far) sends
// each answer in turn (a provider that sends only the latest answer uses
// the last one; a cumulative one joins them). It returns every screen.
func (r Registration) Walk(tb testing.TB, hop func(answers []string) string) []string {
	tb.Helper()
	screens := []string{hop(nil)}
	for i := range r.Answers {
		screens = append(screens, hop(r.Answers[:i+1]))
	}
	return screens
}

// CheckRegistered fails tb unless the last screen is r's end and phone's
// registration is stored under the reference shown, with r's name and
// language.
func (s *Server) CheckRegistered(tb testing.TB, r Registration, phone msg.Address, screens []string) {
	tb.Helper()
	last := screens[len(screens)-1]
	if !strings.Contains(last, r.Done) {
		tb.Fatalf("last screen %q, want it to hold %q (screens: %q)", last, r.Done, screens)
	}
	ref := last[strings.Index(last, r.Done)+len(r.Done):]
	if i := strings.IndexByte(ref, '.'); i > 0 {
		ref = ref[:i]
	}
	reg, err := s.Store.Registration(context.Background(), ref)
	if err != nil {
		tb.Fatalf("registration %q: %v", ref, err)
	}
	if reg.Phone != phone || reg.Answers["name"] != r.Name || reg.Lang != r.Lang {
		tb.Fatalf("registration %s: %s in %s, want %s in %s for the caller", ref, reg.Answers["name"], reg.Lang, r.Name, r.Lang)
	}
}
