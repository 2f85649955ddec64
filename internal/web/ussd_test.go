package web_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestUSSDCannedRequests drives the Africa's Talking USSD endpoint with
// canned requests, as the provider sends them.
func TestUSSDCannedRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	full := ussdForm("ATUid_1", "+237670000001", "")
	without := func(k string) string {
		v := ussdForm("ATUid_1", "+237670000001", "")
		v.Del(k)
		return v.Encode()
	}
	cases := []struct {
		label       string
		body        string
		contentType string
		wantStatus  int
		wantBody    string
	}{
		{label: "first hop", body: full.Encode(), wantStatus: 200, wantBody: "CON Bienvenue / Welcome\n1. Français\n2. English"},
		{label: "missing sessionId", body: without("sessionId"), wantStatus: 400, wantBody: "missing field: sessionId"},
		{label: "missing serviceCode", body: without("serviceCode"), wantStatus: 400, wantBody: "missing field: serviceCode"},
		{label: "missing phoneNumber", body: without("phoneNumber"), wantStatus: 400, wantBody: "missing field: phoneNumber"},
		{label: "missing networkCode", body: without("networkCode"), wantStatus: 400, wantBody: "missing field: networkCode"},
		{label: "missing text", body: without("text"), wantStatus: 400, wantBody: "missing field: text"},
		{label: "empty body", body: "", wantStatus: 400, wantBody: "missing field"},
		{label: "bad phone", body: ussdForm("ATUid_2", "0670000001", "").Encode(), wantStatus: 400, wantBody: "not a phone number"},
		{label: "letters in phone", body: ussdForm("ATUid_2", "+2376700000ab", "").Encode(), wantStatus: 400, wantBody: "not a phone number"},
		{label: "malformed form", body: "sessionId=%zz&text=", wantStatus: 400, wantBody: "malformed"},
		{label: "oversized text", body: ussdForm("ATUid_3", "+237670000003", strings.Repeat("1*", 600)).Encode(), wantStatus: 413, wantBody: "text too long"},
		{label: "unknown fields ignored", body: full.Encode() + "&extra=1", wantStatus: 200, wantBody: "CON "},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			st, body, hdr := s.do(t, postForm("/ussd/africastalking", c.body))
			if st != c.wantStatus || !strings.Contains(body, c.wantBody) {
				t.Fatalf("got %d %q, want %d containing %q", st, body, c.wantStatus, c.wantBody)
			}
			if st == 200 && !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
				t.Fatalf("content type %q", hdr.Get("Content-Type"))
			}
		})
	}
	if _, body, _ := s.do(t, postForm("/ussd/africastalking", "")); strings.Contains(body, "panic") {
		t.Fatal(body)
	}
	if st, _, _ := s.do(t, adminGet("/ussd/africastalking", "")); st != http.StatusMethodNotAllowed && st != http.StatusNotFound {
		t.Fatalf("GET answered %d", st)
	}
}

// TestUSSDOversizedBody goes through a real listener: fasthttp refuses the
// body while reading it, before any handler runs.
func TestUSSDOversizedBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = s.srv.App().Shutdown() })
	body := ussdForm("ATUid_4", "+237670000004", "").Encode() + "&pad=" + strings.Repeat("x", 20<<10)
	resp, err := http.Post("http://"+ln.Addr().String()+"/ussd/africastalking", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	if len(s.Keys(t)) != 0 {
		t.Fatal("an oversized request touched the store")
	}
}

// TestUSSDRetryAndStar: a retried hop gets the same screen and changes
// nothing; a name with '*' is taken whole.
func TestUSSDRetryAndStar(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const sid, phone = "ATUid_retry", "+237670000010"
	for _, text := range []string{"", "1", "1*1", "1*1*1"} {
		if st, body := s.ussd(t, sid, phone, text); st != 200 || !strings.HasPrefix(body, "CON ") {
			t.Fatalf("hop %q: %d %q", text, st, body)
		}
	}
	_, first := s.ussd(t, sid, phone, "1*1*1*Jean*Paul Mbarga")
	_, again := s.ussd(t, sid, phone, "1*1*1*Jean*Paul Mbarga")
	if first != again || !strings.HasPrefix(first, "CON Votre age:") {
		t.Fatalf("retry: %q then %q", first, again)
	}
	keysBefore := len(s.Keys(t))
	if _, third := s.ussd(t, sid, phone, "1*1*1*Jean*Paul Mbarga"); third != first || len(s.Keys(t)) != keysBefore {
		t.Fatal("a retry changed something")
	}
	// Finish: the name is kept with its '*'.
	text, body := "1*1*1*Jean*Paul Mbarga", ""
	for _, in := range []string{"2", "2", "2", "Kumba", "1", "1", "1"} {
		text += "*" + in
		_, body = s.ussd(t, sid, phone, text)
	}
	if !strings.HasPrefix(body, "END Merci Jean*Paul Mbarga!") {
		t.Fatalf("end = %q", body)
	}
}
