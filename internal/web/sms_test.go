package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// Test secrets: no log line may ever carry them.
const (
	twilioToken = "twilio-auth-token-0123456789abcdef"
	publicURL   = "https://gw.example.org"
	atSMSToken  = "at-sms-token-0123456789"
)

// newSMSServer returns a server with both providers' SMS routes mounted;
// mod adjusts the configuration first.
func newSMSServer(tb testing.TB, mod func(a *apptest.App, c *web.Config)) *testServer {
	tb.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := apptest.New(tb, log)
	cfg := web.Config{
		Conversations: a.Service, Store: a.Store, Log: log, Now: a.Clock.Now,
		PublicURL: publicURL, TwilioAuthToken: twilioToken, ATSMSToken: atSMSToken,
		Statuses: a.Store, Hasher: a.Hasher,
	}
	if mod != nil {
		mod(a, &cfg)
	}
	return &testServer{App: a, srv: web.New(cfg), logs: logs}
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

// smsCase is one canned webhook request.
type smsCase struct {
	label      string
	target     string // path and query
	body       string
	headers    map[string]string
	wantStatus int
	wantBody   string
}

func (s *testServer) post(tb testing.TB, target, body string, headers map[string]string) (int, string, http.Header) {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return s.do(tb, req)
}

func (s *testServer) run(t *testing.T, cases []smsCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) { s.check(t, c) })
	}
}

// check posts one canned request and checks the answer.
func (s *testServer) check(tb testing.TB, c smsCase) {
	tb.Helper()
	st, body, hdr := s.post(tb, c.target, c.body, c.headers)
	if st != c.wantStatus || !strings.Contains(body, c.wantBody) {
		tb.Fatalf("got %d %q, want %d containing %q", st, body, c.wantStatus, c.wantBody)
	}
	if st == 200 && strings.HasPrefix(c.target, "/sms/twilio") && !strings.HasPrefix(hdr.Get("Content-Type"), "text/xml") {
		tb.Fatalf("content type %q", hdr.Get("Content-Type"))
	}
}

// snapshot returns every test key with its serialised value.
func (s *testServer) snapshot(tb testing.TB, skip func(key string) bool) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, k := range s.Keys(tb) {
		if skip != nil && skip(k) {
			continue
		}
		v, err := s.Redis.Dump(context.Background(), k).Result()
		if err != nil {
			tb.Fatal(err)
		}
		out[k] = v
	}
	return out
}

func sameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

const welcome = "Bienvenue / Welcome&#xA;1. Français&#xA;2. English"

func TestTwilioInboundCannedRequests(t *testing.T) {
	t.Parallel()
	s := newSMSServer(t, nil)
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
	cases := []smsCase{
		{label: "first message", target: "/sms/twilio", body: enc(form("01", "Bonjour")), headers: signed("/sms/twilio", form("01", "Bonjour")),
			wantStatus: 200, wantBody: `<?xml version="1.0" encoding="UTF-8"?><Response><Message>` + welcome + `</Message></Response>`},
		{label: "unknown extra fields, signed over all", target: "/sms/twilio", body: enc(extra), headers: signed("/sms/twilio", extra),
			wantStatus: 200, wantBody: "<Message>" + welcome},
		{label: "empty text", target: "/sms/twilio", body: enc(form("03", "")), headers: signed("/sms/twilio", form("03", "")),
			wantStatus: 200, wantBody: "<Response>"},
		{label: "query string signed", target: "/sms/twilio?campaign=a%20b", body: enc(form("04", "Bonjour")), headers: signed("/sms/twilio?campaign=a%20b", form("04", "Bonjour")),
			wantStatus: 200, wantBody: "<Message>"},
		{label: "signed with the default port", target: "/sms/twilio", body: enc(form("05", "Bonjour")),
			headers:    map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, "https://gw.example.org:443/sms/twilio", form("05", "Bonjour"))},
			wantStatus: 200, wantBody: "<Message>"},
		{label: "missing signature", target: "/sms/twilio", body: enc(form("06", "Bonjour")), wantStatus: 403, wantBody: "bad signature"},
		{label: "wrong signature", target: "/sms/twilio", body: enc(form("07", "Bonjour")), headers: map[string]string{"X-Twilio-Signature": "GvWf1cFY/Q7PnoempGyD5oXAezc="},
			wantStatus: 403, wantBody: "bad signature"},
		{label: "signed with another token", target: "/sms/twilio", body: enc(form("08", "Bonjour")),
			headers:    map[string]string{"X-Twilio-Signature": twilioSign("another-token-0123456789", publicURL+"/sms/twilio", form("08", "Bonjour"))},
			wantStatus: 403, wantBody: "bad signature"},
		{label: "signed for X-Forwarded-Host", target: "/sms/twilio", body: enc(evil), headers: map[string]string{
			"X-Twilio-Signature": twilioSign(twilioToken, "https://evil.example.org/sms/twilio", evil),
			"X-Forwarded-Host":   "evil.example.org", "X-Forwarded-Proto": "https"},
			wantStatus: 403, wantBody: "bad signature"},
		{label: "signed for the request's Host", target: "/sms/twilio", body: enc(form("09", "Bonjour")),
			headers:    map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, "http://example.com/sms/twilio", form("09", "Bonjour"))},
			wantStatus: 403, wantBody: "bad signature"},
		{label: "field added after signing", target: "/sms/twilio", body: enc(added), headers: addedSig, wantStatus: 403, wantBody: "bad signature"},
		{label: "query added after signing", target: "/sms/twilio?x=1", body: enc(form("10", "Bonjour")), headers: signed("/sms/twilio", form("10", "Bonjour")),
			wantStatus: 403, wantBody: "bad signature"},
		{label: "signed for the status path", target: "/sms/twilio", body: enc(form("11", "Bonjour")), headers: signed("/sms/twilio/status", form("11", "Bonjour")),
			wantStatus: 403, wantBody: "bad signature"},
		{label: "repeated key", target: "/sms/twilio", body: enc(twice), headers: signed("/sms/twilio", twice), wantStatus: 403, wantBody: "bad signature"},
		{label: "malformed body", target: "/sms/twilio", body: "Body=%zz", headers: map[string]string{"X-Twilio-Signature": "x"}, wantStatus: 403, wantBody: "bad signature"},
		{label: "unsigned and missing From", target: "/sms/twilio", body: enc(without(form("12", "x"), "From")), wantStatus: 403, wantBody: "bad signature"},
		{label: "missing From", target: "/sms/twilio", body: enc(without(form("20", "x"), "From")), headers: signed("/sms/twilio", without(form("20", "x"), "From")),
			wantStatus: 400, wantBody: "missing field: From"},
		{label: "missing MessageSid", target: "/sms/twilio", body: enc(without(form("21", "x"), "MessageSid")), headers: signed("/sms/twilio", without(form("21", "x"), "MessageSid")),
			wantStatus: 400, wantBody: "missing field: MessageSid"},
		{label: "missing Body", target: "/sms/twilio", body: enc(without(form("22", "x"), "Body")), headers: signed("/sms/twilio", without(form("22", "x"), "Body")),
			wantStatus: 400, wantBody: "missing field: Body"},
		{label: "bad number", target: "/sms/twilio", body: enc(twilioInbound("SM23", "0670000123", "x")), headers: signed("/sms/twilio", twilioInbound("SM23", "0670000123", "x")),
			wantStatus: 400, wantBody: "not a phone number"},
	}
	s.run(t, cases)
	if st, _, _ := s.do(t, adminGet("/sms/twilio", "")); st != http.StatusMethodNotAllowed && st != http.StatusNotFound {
		t.Fatalf("GET answered %d", st)
	}
	for _, secret := range []string{twilioToken, atSMSToken, "+237670000101", "670000101"} {
		if strings.Contains(s.logs.String(), secret) {
			t.Fatalf("logs carry %q", secret)
		}
	}
}

// TestTwilioRefusalsTouchNothing: refused requests never reach the
// conversation: no key is written.
func TestTwilioRefusalsTouchNothing(t *testing.T) {
	t.Parallel()
	s := newSMSServer(t, nil)
	f := twilioInbound("SM0000000000000000000000000000aa", "+237670000301", "Bonjour")
	for _, h := range []map[string]string{
		nil,
		{"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
		{"X-Twilio-Signature": twilioSign(twilioToken, "https://evil.example.org/sms/twilio", f), "X-Forwarded-Host": "evil.example.org"},
	} {
		if st, _, _ := s.post(t, "/sms/twilio", f.Encode(), h); st != 403 {
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
	s := newSMSServer(t, nil)
	const phone = "+237670000401"
	first := twilioInbound("SM0000000000000000000000000000r1", phone, "Bonjour")
	st, body, _ := s.post(t, "/sms/twilio", first.Encode(), signed("/sms/twilio", first))
	if st != 200 || !strings.Contains(body, welcome) {
		t.Fatalf("first: %d %q", st, body)
	}
	before := s.snapshot(t, nil)
	st, again, _ := s.post(t, "/sms/twilio", first.Encode(), signed("/sms/twilio", first))
	if st != 200 || again != body || !sameSnapshot(before, s.snapshot(t, nil)) {
		t.Fatalf("replay: %d %q; changed: %v", st, again, !sameSnapshot(before, s.snapshot(t, nil)))
	}
	second := twilioInbound("SM0000000000000000000000000000r2", phone, "1")
	_, next, _ := s.post(t, "/sms/twilio", second.Encode(), signed("/sms/twilio", second))
	if next == body || !strings.Contains(next, "<Message>") {
		t.Fatalf("second message: %q", next)
	}
	before = s.snapshot(t, nil)
	if _, late, _ := s.post(t, "/sms/twilio", first.Encode(), signed("/sms/twilio", first)); late != body || !sameSnapshot(before, s.snapshot(t, nil)) {
		t.Fatalf("late replay: %q", late)
	}
}

// TestTwilioSkipSignature: with checking explicitly off, unsigned requests
// pass and malformed ones get 400.
func TestTwilioSkipSignature(t *testing.T) {
	t.Parallel()
	s := newSMSServer(t, func(_ *apptest.App, c *web.Config) { c.TwilioAuthToken, c.TwilioSkipSignature = "", true })
	s.run(t, []smsCase{
		{label: "unsigned", target: "/sms/twilio", body: twilioInbound("SM1", "+237670000501", "Bonjour").Encode(), wantStatus: 200, wantBody: welcome},
		{label: "malformed", target: "/sms/twilio", body: "Body=%zz", wantStatus: 400, wantBody: "malformed"},
		{label: "missing From", target: "/sms/twilio", body: "MessageSid=SM2&Body=x", wantStatus: 400, wantBody: "missing field: From"},
	})
}

// TestSMSRoutesOff: without their secrets the SMS routes do not exist, and
// without a store for statuses the status routes do not.
func TestSMSRoutesOff(t *testing.T) {
	t.Parallel()
	off := newSMSServer(t, func(_ *apptest.App, c *web.Config) { c.TwilioAuthToken, c.ATSMSToken = "", "" })
	noStatus := newSMSServer(t, func(_ *apptest.App, c *web.Config) { c.Statuses = nil })
	for _, c := range []struct {
		s      *testServer
		target string
	}{
		{off, "/sms/twilio"}, {off, "/sms/twilio/status"},
		{off, "/sms/africastalking?token=" + atSMSToken}, {off, "/sms/africastalking/status?token=" + atSMSToken},
		{noStatus, "/sms/twilio/status"}, {noStatus, "/sms/africastalking/status?token=" + atSMSToken},
	} {
		if st, _, _ := c.s.post(t, c.target, "", nil); st != 404 {
			t.Errorf("%s answered %d, want 404", c.target, st)
		}
	}
	if st, _, _ := noStatus.post(t, "/sms/twilio", "", nil); st != 403 {
		t.Errorf("inbound route without statuses answered %d, want 403", st)
	}
}

// TestTwilioNoPublicURL: a token without a usable public URL refuses every
// request rather than check against something else.
func TestTwilioNoPublicURL(t *testing.T) {
	t.Parallel()
	s := newSMSServer(t, func(_ *apptest.App, c *web.Config) { c.PublicURL = "" })
	f := twilioInbound("SM1", "+237670000601", "Bonjour")
	for _, u := range []string{"/sms/twilio", "http://example.com/sms/twilio"} {
		h := map[string]string{"X-Twilio-Signature": twilioSign(twilioToken, u, f)}
		if st, _, _ := s.post(t, "/sms/twilio", f.Encode(), h); st != 403 {
			t.Fatalf("signed over %q: status %d", u, st)
		}
	}
}
