package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/broadcast"
)

func adminJSON(method, path, body string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// TestAdminCampaigns: staff create a campaign (refused with the reason
// when a text is too long, the rate over the route's ceiling or the reply
// flow unknown), preview it (audience by language, segments, cost, what
// shaping saves), start, pause, resume and cancel it, each change audited;
// a change the state does not allow is 409; everything needs the token.
func TestAdminCampaigns(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	register(t, s, "S1", "+237670000401", "1", "2", "8") // fr, returnee, ouest
	register(t, s, "S2", "+237670000402", "2", "2", "8") // en, returnee, ouest
	register(t, s, "S3", "+237670000403", "1", "1", "5") // fr, migrant, littoral
	if st, _, _ := s.do(t, httptest.NewRequest("GET", "/admin/campaigns", nil)); st != 401 {
		t.Fatalf("without the token: %d", st)
	}
	long := strings.Repeat("Formation à Bafoussam. ", 20)
	for _, c := range []struct{ name, body, want string }{
		{"too long", `{"name":"x","texts":{"fr":"` + long + `"},"fallback":"fr","audience":{"registered":true}}`, "segments"},
		{"over the ceiling", `{"name":"x","texts":{"fr":"Bonjour"},"fallback":"fr","audience":{"registered":true},"rate":500}`, "ceiling"},
		{"unknown reply flow", `{"name":"x","texts":{"fr":"Bonjour"},"fallback":"fr","audience":{"registered":true},"reply":{"flow":"main","node":"nope","window":"48h"}}`, "reply"},
		{"no audience", `{"name":"x","texts":{"fr":"Bonjour"},"fallback":"fr","audience":{}}`, "audience"},
		{"unknown field", `{"name":"x","texts":{"fr":"Bonjour"},"fallback":"fr","audience":{"registered":true},"color":"red"}`, "malformed"},
	} {
		st, body, _ := s.do(t, adminJSON("POST", "/admin/campaigns", c.body))
		if st != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	body := `{"name":"Formation Bafoussam","texts":{"fr":"Formation à Bafoussam mardi, ça commence à 9h. Répondez 1 pour une place.","en":"Training in Bafoussam on Tuesday. Reply 1 for a place."},
		"fallback":"fr","audience":{"registered":true,"region":["ouest"]},"rate":5,"reply":{"flow":"outreach","node":"training","window":"48h"}}`
	st, out, _ := s.do(t, adminJSON("POST", "/admin/campaigns", body))
	var c broadcast.Campaign
	if err := json.Unmarshal([]byte(out), &c); st != 201 || err != nil || c.ID == "" || c.State != broadcast.Draft {
		t.Fatalf("create: %d %s", st, out)
	}
	st, out, _ = s.do(t, adminJSON("GET", "/admin/campaigns/"+c.ID+"/preview", ""))
	var p broadcast.Preview
	if err := json.Unmarshal([]byte(out), &p); st != 200 || err != nil {
		t.Fatalf("preview: %d %s", st, out)
	}
	if p.Audience != 2 || p.Langs["fr"].Recipients != 1 || p.Langs["en"].Recipients != 1 || p.Langs["fr"].Text.Encoding != "ucs2" ||
		p.Langs["fr"].Shaped.Encoding != "gsm7" || p.Cost != float64(p.Segments)*25 {
		t.Fatalf("preview %s", out)
	}
	for _, step := range []struct {
		action string
		status int
		state  broadcast.State
	}{
		{"resume", 409, ""}, {"start", 200, broadcast.Sending}, {"start", 409, ""}, {"pause", 200, broadcast.Paused},
		{"resume", 200, broadcast.Sending}, {"cancel", 200, broadcast.Cancelled}, {"resume", 409, ""}, {"explode", 404, ""},
	} {
		st, out, _ := s.do(t, adminJSON("POST", "/admin/campaigns/"+c.ID+"/"+step.action, ""))
		if st != step.status || (step.state != "" && !strings.Contains(out, `"state":"`+string(step.state)+`"`)) {
			t.Fatalf("%s: %d %s", step.action, st, out)
		}
	}
	st, out, _ = s.do(t, adminJSON("GET", "/admin/campaigns", ""))
	if st != 200 || !strings.Contains(out, c.ID) {
		t.Fatalf("list: %d %s", st, out)
	}
	if st, _, _ := s.do(t, adminJSON("GET", "/admin/campaigns/NOPE", "")); st != 404 {
		t.Fatalf("unknown campaign: %d", st)
	}
	actions := map[string]int{}
	for _, e := range s.Redis.XRange(context.Background(), s.Prefix+"audit:{g}", "-", "+").Val() {
		if e.Values["campaign"] == c.ID {
			actions[e.Values["action"].(string)]++
		}
	}
	for _, a := range []string{"campaign_create", "campaign_sending", "campaign_paused", "campaign_cancelled"} {
		if actions[a] == 0 {
			t.Errorf("no audit entry %s: %v", a, actions)
		}
	}
}
