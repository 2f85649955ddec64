package africastalking_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestUSSDTokenCannedRequests: with a token set, the USSD route answers only
// requests whose callback URL carries it; the others get 403 and touch no
// state, whatever their body.
func TestUSSDTokenCannedRequests(t *testing.T) {
	t.Parallel()
	s := newUSSDTokenServer(t)
	const phone = "+237670000901"
	form := ussdForm("ATUid_tok", phone, "").Encode()
	ok := "/ussd/africastalking?token=" + ussdToken
	refused := []providertest.Case{
		{Label: "missing token", Target: "/ussd/africastalking", Body: form, WantStatus: 403, WantBody: "bad token"},
		{Label: "empty token", Target: "/ussd/africastalking?token=", Body: form, WantStatus: 403, WantBody: "bad token"},
		{Label: "wrong token", Target: "/ussd/africastalking?token=" + ussdToken + "x", Body: form, WantStatus: 403, WantBody: "bad token"},
		{Label: "prefix of the token", Target: "/ussd/africastalking?token=" + ussdToken[:16], Body: form, WantStatus: 403, WantBody: "bad token"},
		{Label: "another provider's token", Target: "/ussd/africastalking?token=" + atSMSToken, Body: form, WantStatus: 403, WantBody: "bad token"},
		{Label: "token as a form field", Target: "/ussd/africastalking", Body: form + "&token=" + ussdToken, WantStatus: 403, WantBody: "bad token"},
		{Label: "token in a header", Target: "/ussd/africastalking", Body: form, Headers: map[string]string{"Authorization": "Bearer " + ussdToken}, WantStatus: 403, WantBody: "bad token"},
		{Label: "bad token and missing field", Target: "/ussd/africastalking?token=no", Body: "sessionId=x", WantStatus: 403, WantBody: "bad token"},
		// "my information" (4) then "delete my data": refused like any hop.
		{Label: "erasure attempt without token", Target: "/ussd/africastalking", Body: ussdForm("ATUid_tok2", phone, "4*4").Encode(), WantStatus: 403, WantBody: "bad token"},
	}
	for _, c := range refused {
		t.Run(c.Label, func(t *testing.T) {
			s.Check(t, c)
			if keys := s.Keys(t); len(keys) != 0 {
				t.Fatalf("a refused request wrote %v", keys)
			}
		})
	}
	// The right token goes through: a conversation starts and is stored.
	s.Check(t, providertest.Case{Target: ok, Body: form, WantStatus: 200, WantBody: "CON Bienvenue / Welcome"})
	if len(s.Keys(t)) == 0 {
		t.Fatal("an accepted hop stored nothing")
	}
	// A valid request's missing field is still a 400 behind the token.
	s.Check(t, providertest.Case{Target: ok, Body: "sessionId=x", WantStatus: 400, WantBody: "missing field"})
	// Refused after state exists: the stored state is untouched.
	before := s.Snapshot(t, nil)
	s.Check(t, providertest.Case{Target: "/ussd/africastalking?token=bad", Body: ussdForm("ATUid_tok", phone, "1").Encode(), WantStatus: 403, WantBody: "bad token"})
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatal("a refused request changed the stored state")
	}
	if strings.Contains(s.Logs.String(), ussdToken) {
		t.Fatal("logs carry the USSD token")
	}
}

// TestUSSDTokenRefusalReadsNothing: a refused request never reaches the
// conversation, so it can neither read another person's registration nor
// erase it.
func TestUSSDTokenRefusalReadsNothing(t *testing.T) {
	t.Parallel()
	s := newUSSDTokenServer(t)
	const phone = "+237670000902"
	// The person's own hop, through the provider (with the token).
	q := "/ussd/africastalking?token=" + url.QueryEscape(ussdToken)
	if st, body, _ := s.Post(t, q, ussdForm("ATUid_own", phone, "1").Encode(), nil); st != 200 || !strings.HasPrefix(body, "CON ") {
		t.Fatalf("own hop: %d %q", st, body)
	}
	before := s.Snapshot(t, nil)
	// Someone else posts as that number without the token.
	for _, text := range []string{"", "1", "1*4", "1*4*1"} {
		st, body, _ := s.Post(t, "/ussd/africastalking", ussdForm("ATUid_evil", phone, text).Encode(), nil)
		if st != 403 || strings.HasPrefix(body, "CON") || strings.HasPrefix(body, "END") {
			t.Fatalf("forged hop %q: %d %q", text, st, body)
		}
	}
	if !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatal("forged hops changed the stored state")
	}
}

// TestUSSDOpenWithoutToken: with no token, the route stays open (local
// development, the embedded store, benchmarks) and ignores any token given.
func TestUSSDOpenWithoutToken(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	for _, target := range []string{"/ussd/africastalking", "/ussd/africastalking?token=anything"} {
		st, body, _ := s.Do(t, postForm(target, ussdForm("ATUid_open", "+237670000903", "").Encode()))
		if st != 200 || !strings.HasPrefix(body, "CON ") {
			t.Fatalf("%s: %d %q", target, st, body)
		}
	}
}
