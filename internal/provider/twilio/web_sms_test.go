package twilio_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// Test secrets: no log line may ever carry them.
const (
	twilioToken = "twilio-auth-token-0123456789abcdef"
	publicURL   = "https://gw.example.org"
)

// newServer returns a server with Twilio's routes mounted for a
// configuration checked against publicURL with twilioToken; mod adjusts
// it first.
func newServer(tb testing.TB, mod func(c *twilio.Config)) *providertest.Server {
	tb.Helper()
	c := twilio.Config{AuthToken: twilioToken, PublicURL: publicURL}
	if mod != nil {
		mod(&c)
	}
	return providertest.New(tb, twilio.Routes(c), nil)
}

// check posts one canned request and checks the answer: TwiML for an
// accepted inbound message.
func check(tb testing.TB, s *providertest.Server, c providertest.Case) {
	tb.Helper()
	if c.WantStatus == 200 && strings.HasPrefix(c.Target, "/sms/twilio") && c.WantContentType == "" {
		c.WantContentType = "text/xml"
	}
	s.Check(tb, c)
}

// run checks every case, in order.
func run(t *testing.T, s *providertest.Server, cases []providertest.Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Label, func(t *testing.T) { check(t, s, c) })
	}
}

// twilioSign signs a webhook as Twilio documents it, independently of
// twilio-go: HMAC-SHA1 over the URL then each key and value in key order.
func twilioSign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(u))
	for _, k := range keys {
		for _, v := range form[k] {
			m.Write([]byte(k + v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signed returns the signature header of form posted to target (path and
// query) as Twilio computes it from the public URL.
func signed(target string, form url.Values) map[string]string {
	return map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, publicURL+target, form)}
}

// twilioInbound is an inbound SMS webhook as Twilio posts it.
func twilioInbound(sid, from, body string) url.Values {
	return url.Values{
		"ToCountry": {"CM"}, "ToState": {""}, "SmsMessageSid": {sid}, "NumMedia": {"0"},
		"ToCity": {""}, "FromZip": {""}, "SmsSid": {sid}, "FromState": {""}, "SmsStatus": {"received"},
		"FromCity": {""}, "Body": {body}, "FromCountry": {"CM"}, "To": {"+237222000000"},
		"ToZip": {""}, "NumSegments": {"1"}, "MessageSid": {sid},
		"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}
}

const welcome = "Bienvenue / Welcome&#xA;1. Français&#xA;2. English"

func TestTwilioInboundCannedRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	form := func(n, body string) url.Values {
		return twilioInbound("SM0000000000000000000000000000"+n, "+2376700001"+n, body)
	}
	enc := func(f url.Values) string { return f.Encode() }
	without := func(f url.Values, k string) url.Values { f.Del(k); return f }
	extra := form("02", "Bonjour")
	extra.Set("SomeFieldTwilioAddsLater", "x")
	extra.Set("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef")
	twice := form("13", "Bonjour")
	twice.Add("Body", "again")
	added := form("14", "Bonjour")
	addedSig := signed("/sms/twilio", added)
	added.Set("Injected", "1")
	evil := form("15", "Bonjour")
	cases := []providertest.Case{
		{Label: "first message", Target: "/sms/twilio", Body: enc(form("01", "Bonjour")), Headers: signed("/sms/twilio", form("01", "Bonjour")),
			WantStatus: 200, WantBody: `<?xml version="1.0" encoding="UTF-8"?><Response><Message>` + welcome + `</Message></Response>`,
			WantMessage: &msg.Inbound{Channel: msg.SMS, Provider: twilio.Provider, From: "+237670000101", To: "+237222000000",
				Text: "Bonjour", ExternalID: "SM000000000000000000000000000001"}},
		{Label: "unknown extra fields, signed over all", Target: "/sms/twilio", Body: enc(extra), Headers: signed("/sms/twilio", extra),
			WantStatus: 200, WantBody: "<Message>" + welcome},
		{Label: "empty text", Target: "/sms/twilio", Body: enc(form("03", "")), Headers: signed("/sms/twilio", form("03", "")),
			WantStatus: 200, WantBody: "<Response>"},
		{Label: "query string signed", Target: "/sms/twilio?campaign=a%20b", Body: enc(form("04", "Bonjour")), Headers: signed("/sms/twilio?campaign=a%20b", form("04", "Bonjour")),
			WantStatus: 200, WantBody: "<Message>"},
		{Label: "signed with the default port", Target: "/sms/twilio", Body: enc(form("05", "Bonjour")),
			Headers:    map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, "https://gw.example.org:443/sms/twilio", form("05", "Bonjour"))},
			WantStatus: 200, WantBody: "<Message>"},
		{Label: "missing signature", Target: "/sms/twilio", Body: enc(form("06", "Bonjour")), WantStatus: 403, WantBody: "bad signature"},
		{Label: "wrong signature", Target: "/sms/twilio", Body: enc(form("07", "Bonjour")), Headers: map[string]string{"X-Twilio-Signature": "GvWf1cFY/Q7PnoempGyD5oXAezc="},
			WantStatus: 403, WantBody: "bad signature"},
		{Label: "signed with another token", Target: "/sms/twilio", Body: enc(form("08", "Bonjour")),
			Headers:    map[string]string{"X-Twilio-Signature": twilioSign("another-token-0123456789", publicURL+"/sms/twilio", form("08", "Bonjour"))},
			WantStatus: 403, WantBody: "bad signature"},
		{Label: "signed for X-Forwarded-Host", Target: "/sms/twilio", Body: enc(evil), Headers: map[string]string{
			"X-Twilio-Signature": twilioSign(twilioToken, "https://evil.example.org/sms/twilio", evil),
			"X-Forwarded-Host":   "evil.example.org", "X-Forwarded-Proto": "https"},
			WantStatus: 403, WantBody: "bad signature"},
		{Label: "signed for the request's Host", Target: "/sms/twilio", Body: enc(form("09", "Bonjour")),
			Headers:    map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, "http://example.com/sms/twilio", form("09", "Bonjour"))},
			WantStatus: 403, WantBody: "bad signature"},
		{Label: "field added after signing", Target: "/sms/twilio", Body: enc(added), Headers: addedSig, WantStatus: 403, WantBody: "bad signature"},
		{Label: "query added after signing", Target: "/sms/twilio?x=1", Body: enc(form("10", "Bonjour")), Headers: signed("/sms/twilio", form("10", "Bonjour")),
			WantStatus: 403, WantBody: "bad signature"},
		{Label: "signed for the status path", Target: "/sms/twilio", Body: enc(form("11", "Bonjour")), Headers: signed("/sms/twilio/status", form("11", "Bonjour")),
			WantStatus: 403, WantBody: "bad signature"},
		{Label: "repeated key", Target: "/sms/twilio", Body: enc(twice), Headers: signed("/sms/twilio", twice), WantStatus: 403, WantBody: "bad signature"},
		{Label: "malformed body", Target: "/sms/twilio", Body: "Body=%zz", Headers: map[string]string{"X-Twilio-Signature": "x"}, WantStatus: 403, WantBody: "bad signature"},
		{Label: "unsigned and missing From", Target: "/sms/twilio", Body: enc(without(form("12", "x"), "From")), WantStatus: 403, WantBody: "bad signature"},
		{Label: "missing From", Target: "/sms/twilio", Body: enc(without(form("20", "x"), "From")), Headers: signed("/sms/twilio", without(form("20", "x"), "From")),
			WantStatus: 400, WantBody: "missing field: From"},
		{Label: "missing MessageSid", Target: "/sms/twilio", Body: enc(without(form("21", "x"), "MessageSid")), Headers: signed("/sms/twilio", without(form("21", "x"), "MessageSid")),
			WantStatus: 400, WantBody: "missing field: MessageSid"},
		{Label: "missing Body", Target: "/sms/twilio", Body: enc(without(form("22", "x"), "Body")), Headers: signed("/sms/twilio", without(form("22", "x"), "Body")),
			WantStatus: 400, WantBody: "missing field: Body"},
		{Label: "bad number", Target: "/sms/twilio", Body: enc(twilioInbound("SM23", "0670000123", "x")), Headers: signed("/sms/twilio", twilioInbound("SM23", "0670000123", "x")),
			WantStatus: 400, WantBody: "not a phone number"},
	}
	run(t, s, cases)
	if st, _, _ := s.Do(t, providertest.Request(http.MethodGet, "/sms/twilio", "", "", nil)); st != http.StatusMethodNotAllowed && st != http.StatusNotFound {
		t.Fatalf("GET answered %d", st)
	}
	for _, secret := range []string{twilioToken, "+237670000101", "670000101"} {
		if strings.Contains(s.Logs.String(), secret) {
			t.Fatalf("logs carry %q", secret)
		}
	}
}

// TestTwilioRefusalsTouchNothing: refused requests never reach the
// conversation: no key is written.
func TestTwilioRefusalsTouchNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	f := twilioInbound("SM0000000000000000000000000000aa", "+237670000301", "Bonjour")
	for _, h := range []map[string]string{
		nil,
		{"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
		{"X-Twilio-Signature": twilioSign(twilioToken, "https://evil.example.org/sms/twilio", f), "X-Forwarded-Host": "evil.example.org"},
	} {
		if st, _, _ := s.Post(t, "/sms/twilio", f.Encode(), h); st != 403 {
			t.Fatalf("status %d", st)
		}
	}
	if keys := s.Keys(t); len(keys) != 0 {
		t.Fatalf("a refused request wrote %v", keys)
	}
}

// TestTwilioReplay: Twilio posting the same MessageSid again gets the same
// TwiML and changes nothing, even after later messages.
func TestTwilioReplay(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	const phone = "+237670000401"
	first := twilioInbound("SM0000000000000000000000000000r1", phone, "Bonjour")
	st, body, _ := s.Post(t, "/sms/twilio", first.Encode(), signed("/sms/twilio", first))
	if st != 200 || !strings.Contains(body, welcome) {
		t.Fatalf("first: %d %q", st, body)
	}
	before := s.Snapshot(t, nil)
	st, again, _ := s.Post(t, "/sms/twilio", first.Encode(), signed("/sms/twilio", first))
	if st != 200 || again != body || !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatalf("replay: %d %q; changed: %v", st, again, !providertest.SameSnapshot(before, s.Snapshot(t, nil)))
	}
	second := twilioInbound("SM0000000000000000000000000000r2", phone, "1")
	_, next, _ := s.Post(t, "/sms/twilio", second.Encode(), signed("/sms/twilio", second))
	if next == body || !strings.Contains(next, "<Message>") {
		t.Fatalf("second message: %q", next)
	}
	before = s.Snapshot(t, nil)
	if _, late, _ := s.Post(t, "/sms/twilio", first.Encode(), signed("/sms/twilio", first)); late != body || !providertest.SameSnapshot(before, s.Snapshot(t, nil)) {
		t.Fatalf("late replay: %q", late)
	}
}

// TestTwilioSkipSignature: with checking explicitly off, unsigned requests
// pass and malformed ones get 400.
func TestTwilioSkipSignature(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(c *twilio.Config) { c.AuthToken, c.SkipSignature = "", true })
	run(t, s, []providertest.Case{
		{Label: "unsigned", Target: "/sms/twilio", Body: twilioInbound("SM1", "+237670000501", "Bonjour").Encode(), WantStatus: 200, WantBody: welcome},
		{Label: "malformed", Target: "/sms/twilio", Body: "Body=%zz", WantStatus: 400, WantBody: "malformed"},
		{Label: "missing From", Target: "/sms/twilio", Body: "MessageSid=SM2&Body=x", WantStatus: 400, WantBody: "missing field: From"},
	})
}

// TestSMSRoutesOff: without their secret the Twilio routes do not exist,
// and without a store for statuses the status route does not.
func TestSMSRoutesOff(t *testing.T) {
	t.Parallel()
	off := newServer(t, func(c *twilio.Config) { c.AuthToken = "" })
	noStatus := providertest.New(t, twilio.Routes(twilio.Config{AuthToken: twilioToken, PublicURL: publicURL}),
		func(_ *apptest.App, c *web.Config) { c.Statuses = nil })
	for _, c := range []struct {
		s      *providertest.Server
		target string
	}{
		{off, "/sms/twilio"}, {off, "/sms/twilio/status"}, {noStatus, "/sms/twilio/status"},
	} {
		if st, _, _ := c.s.Post(t, c.target, "", nil); st != 404 {
			t.Errorf("%s answered %d, want 404", c.target, st)
		}
	}
	if st, _, _ := noStatus.Post(t, "/sms/twilio", "", nil); st != 403 {
		t.Errorf("inbound route without statuses answered %d, want 403", st)
	}
}

// TestTwilioNoPublicURL: a token without a usable public URL refuses every
// request rather than check against something else.
func TestTwilioNoPublicURL(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(c *twilio.Config) { c.PublicURL = "" })
	f := twilioInbound("SM1", "+237670000601", "Bonjour")
	for _, u := range []string{"/sms/twilio", "http://example.com/sms/twilio"} {
		h := map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, u, f)}
		if st, _, _ := s.Post(t, "/sms/twilio", f.Encode(), h); st != 403 {
			t.Fatalf("signed over %q: status %d", u, st)
		}
	}
}
