package africastalking_test

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/africastalking"
	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestUSSDCannedRequests drives the Africa's Talking USSD endpoint with
// canned requests, as the provider sends them.
func TestUSSDCannedRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	full := ussdForm("ATUid_1", "+237670000001", "")
	without := func(k string) string {
		v := ussdForm("ATUid_1", "+237670000001", "")
		v.Del(k)
		return v.Encode()
	}
	const path = "/ussd/africastalking"
	first := msg.Inbound{Channel: msg.USSD, Provider: africastalking.Provider, From: "+237670000001", To: "*384*123#",
		Session: "ATUid_1", Cumulative: true}
	cases := []providertest.Case{
		{Target: path, Label: "first hop", Body: full.Encode(), WantStatus: 200, WantBody: "CON Bienvenue / Welcome\n1. Français\n2. English",
			WantContentType: "text/plain", WantMessage: &first},
		{Target: path, Label: "missing sessionId", Body: without("sessionId"), WantStatus: 400, WantBody: "missing field: sessionId"},
		{Target: path, Label: "missing serviceCode", Body: without("serviceCode"), WantStatus: 400, WantBody: "missing field: serviceCode"},
		{Target: path, Label: "missing phoneNumber", Body: without("phoneNumber"), WantStatus: 400, WantBody: "missing field: phoneNumber"},
		{Target: path, Label: "missing networkCode", Body: without("networkCode"), WantStatus: 400, WantBody: "missing field: networkCode"},
		{Target: path, Label: "missing text", Body: without("text"), WantStatus: 400, WantBody: "missing field: text"},
		{Target: path, Label: "empty body", Body: "", WantStatus: 400, WantBody: "missing field"},
		{Target: path, Label: "bad phone", Body: ussdForm("ATUid_2", "0670000001", "").Encode(), WantStatus: 400, WantBody: "not a phone number"},
		{Target: path, Label: "letters in phone", Body: ussdForm("ATUid_2", "+2376700000ab", "").Encode(), WantStatus: 400, WantBody: "not a phone number"},
		{Target: path, Label: "malformed form", Body: "sessionId=%zz&text=", WantStatus: 400, WantBody: "malformed"},
		{Target: path, Label: "oversized text", Body: ussdForm("ATUid_3", "+237670000003", strings.Repeat("1*", 600)).Encode(), WantStatus: 413, WantBody: "text too long"},
		{Target: path, Label: "unknown fields ignored", Body: full.Encode() + "&extra=1", WantStatus: 200, WantBody: "CON ", WantContentType: "text/plain"},
	}
	s.Run(t, cases)
	if _, body, _ := s.Do(t, postForm("/ussd/africastalking", "")); strings.Contains(body, "panic") {
		t.Fatal(body)
	}
	if st, _, _ := s.Do(t, providertest.Request(http.MethodGet, "/ussd/africastalking", "", "", nil)); st != http.StatusMethodNotAllowed && st != http.StatusNotFound {
		t.Fatalf("GET answered %d", st)
	}
}

// TestUSSDOversizedBody goes through a real listener: fasthttp refuses the
// body while reading it, before any handler runs.
func TestUSSDOversizedBody(t *testing.T) {
	t.Parallel()
	s := newServer(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Web.App().Listener(ln) }()
	t.Cleanup(func() { _ = s.Web.App().Shutdown() })
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
	s := newServer(t, nil)
	const sid, phone = "ATUid_retry", "+237670000010"
	for _, text := range []string{"", "1", "1*1", "1*1*1"} {
		if st, body := ussd(t, s, sid, phone, text); st != 200 || !strings.HasPrefix(body, "CON ") {
			t.Fatalf("hop %q: %d %q", text, st, body)
		}
	}
	_, first := ussd(t, s, sid, phone, "1*1*1*Jean*Paul Mbarga")
	_, again := ussd(t, s, sid, phone, "1*1*1*Jean*Paul Mbarga")
	if first != again || !strings.HasPrefix(first, "CON Votre age:") {
		t.Fatalf("retry: %q then %q", first, again)
	}
	keysBefore := len(s.Keys(t))
	if _, third := ussd(t, s, sid, phone, "1*1*1*Jean*Paul Mbarga"); third != first || len(s.Keys(t)) != keysBefore {
		t.Fatal("a retry changed something")
	}
	// Finish: the name is kept with its '*'.
	text, body := "1*1*1*Jean*Paul Mbarga", ""
	for _, in := range []string{"2", "2", "2", "Kumba", "1", "1", "1"} {
		text += "*" + in
		_, body = ussd(t, s, sid, phone, text)
	}
	if !strings.HasPrefix(body, "END Merci Jean*Paul Mbarga!") {
		t.Fatalf("end = %q", body)
	}
}
