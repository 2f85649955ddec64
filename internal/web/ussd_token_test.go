package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// ussdToken is the test token of the USSD webhook: no log line may carry it.
const ussdToken = "ussd-token-0123456789abcdef"

// newUSSDTokenServer returns a server whose USSD route needs ussdToken.
func newUSSDTokenServer(tb testing.TB) *testServer {
	tb.Helper()
	return newSMSServer(tb, func(_ *apptest.App, c *web.Config) { c.USSDToken = ussdToken })
}

// TestUSSDTokenCannedRequests: with a token set, the USSD route answers only
// requests whose callback URL carries it; the others get 403 and touch no
// state, whatever their body.
func TestUSSDTokenCannedRequests(t *testing.T) {
	t.Parallel()
	s := newUSSDTokenServer(t)
	const phone = "+237670000901"
	form := ussdForm("ATUid_tok", phone, "").Encode()
	ok := "/ussd/africastalking?token=" + ussdToken
	refused := []smsCase{
		{label: "missing token", target: "/ussd/africastalking", body: form, wantStatus: 403, wantBody: "bad token"},
		{label: "empty token", target: "/ussd/africastalking?token=", body: form, wantStatus: 403, wantBody: "bad token"},
		{label: "wrong token", target: "/ussd/africastalking?token=" + ussdToken + "x", body: form, wantStatus: 403, wantBody: "bad token"},
		{label: "prefix of the token", target: "/ussd/africastalking?token=" + ussdToken[:16], body: form, wantStatus: 403, wantBody: "bad token"},
		{label: "another provider's token", target: "/ussd/africastalking?token=" + atSMSToken, body: form, wantStatus: 403, wantBody: "bad token"},
		{label: "token as a form field", target: "/ussd/africastalking", body: form + "&token=" + ussdToken, wantStatus: 403, wantBody: "bad token"},
		{label: "token in a header", target: "/ussd/africastalking", body: form, headers: map[string]string{"Authorization": "Bearer " + ussdToken}, wantStatus: 403, wantBody: "bad token"},
		{label: "bad token and missing field", target: "/ussd/africastalking?token=no", body: "sessionId=x", wantStatus: 403, wantBody: "bad token"},
		// "my information" (4) then "delete my data": refused like any hop.
		{label: "erasure attempt without token", target: "/ussd/africastalking", body: ussdForm("ATUid_tok2", phone, "4*4").Encode(), wantStatus: 403, wantBody: "bad token"},
	}
	for _, c := range refused {
		t.Run(c.label, func(t *testing.T) {
			s.check(t, c)
			if keys := s.Keys(t); len(keys) != 0 {
				t.Fatalf("a refused request wrote %v", keys)
			}
		})
	}
	// The right token goes through: a conversation starts and is stored.
	s.check(t, smsCase{target: ok, body: form, wantStatus: 200, wantBody: "CON Bienvenue / Welcome"})
	if len(s.Keys(t)) == 0 {
		t.Fatal("an accepted hop stored nothing")
	}
	// A valid request's missing field is still a 400 behind the token.
	s.check(t, smsCase{target: ok, body: "sessionId=x", wantStatus: 400, wantBody: "missing field"})
	// Refused after state exists: the stored state is untouched.
	before := s.snapshot(t, nil)
	s.check(t, smsCase{target: "/ussd/africastalking?token=bad", body: ussdForm("ATUid_tok", phone, "1").Encode(), wantStatus: 403, wantBody: "bad token"})
	if !sameSnapshot(before, s.snapshot(t, nil)) {
		t.Fatal("a refused request changed the stored state")
	}
	if strings.Contains(s.logs.String(), ussdToken) {
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
	if st, body, _ := s.post(t, q, ussdForm("ATUid_own", phone, "1").Encode(), nil); st != 200 || !strings.HasPrefix(body, "CON ") {
		t.Fatalf("own hop: %d %q", st, body)
	}
	before := s.snapshot(t, nil)
	// Someone else posts as that number without the token.
	for _, text := range []string{"", "1", "1*4", "1*4*1"} {
		st, body, _ := s.post(t, "/ussd/africastalking", ussdForm("ATUid_evil", phone, text).Encode(), nil)
		if st != 403 || strings.HasPrefix(body, "CON") || strings.HasPrefix(body, "END") {
			t.Fatalf("forged hop %q: %d %q", text, st, body)
		}
	}
	if !sameSnapshot(before, s.snapshot(t, nil)) {
		t.Fatal("forged hops changed the stored state")
	}
}

// TestUSSDOpenWithoutToken: with no token, the route stays open (local
// development, the embedded store, benchmarks) and ignores any token given.
func TestUSSDOpenWithoutToken(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, target := range []string{"/ussd/africastalking", "/ussd/africastalking?token=anything"} {
		st, body, _ := s.do(t, postForm(target, ussdForm("ATUid_open", "+237670000903", "").Encode()))
		if st != 200 || !strings.HasPrefix(body, "CON ") {
			t.Fatalf("%s: %d %q", target, st, body)
		}
	}
}
