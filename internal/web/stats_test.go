package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestAdminStats: registrations by answer, operator and day, the funnel (nodes
// reached, sessions left unfinished) and SMS by route are counted as they
// happen and served at /admin/stats, with no personal data.
func TestAdminStats(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	register(t, s, "S1", "+237670000601", "1", "2", "8") // fr, returnee, ouest
	register(t, s, "S2", "+237690000602", "2", "1", "5") // en, migrant, littoral; an Orange number
	// A third person stops at the name question, then dials again.
	s.ussd(t, "S3", "+237670000603", "")
	s.ussd(t, "S3", "+237670000603", "1")
	s.ussd(t, "S3", "+237670000603", "1*1")
	s.ussd(t, "S3", "+237670000603", "1*1*1")
	s.ussd(t, "S4", "+237670000603", "")
	s.Outbox.Drain(t) // the two confirmations
	st, body, _ := s.do(t, adminJSON("GET", "/admin/stats", ""))
	var v msg.Stats
	if err := json.Unmarshal([]byte(body), &v); st != 200 || err != nil {
		t.Fatalf("%d %s", st, body)
	}
	r := v.Registrations
	if r.Total != 2 || r.By["region"]["ouest"] != 1 || r.By["situation"]["migrant"] != 1 || r.By["lang"]["en"] != 1 || len(r.Days) != 1 ||
		r.By["operator"]["mtn"] != 1 || r.By["operator"]["orange"] != 1 {
		t.Errorf("registrations %+v", r)
	}
	if n := v.Flows["registration"]["name"]; n.Reached != 3 || n.Abandoned != 1 {
		t.Errorf("registration:name %+v, want reached by 3, left by 1", n)
	}
	if n := v.Flows["main"]["language"]; n.Reached != 3 {
		t.Errorf("main:language %+v", n)
	}
	if v.SMS["test"]["sent"] != 2 {
		t.Errorf("sms %+v", v.SMS)
	}
	for _, secret := range []string{"670000601", "Awa", string(s.Hasher.Person("+237670000603"))} {
		if strings.Contains(body, secret) {
			t.Fatalf("stats hold %q", secret)
		}
	}
}
