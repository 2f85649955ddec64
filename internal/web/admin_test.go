package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/web"
)

func adminGet(path, token string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// register runs a whole registration over USSD and returns the final screen.
func register(t *testing.T, s *testServer, sid, phone string, lang, situation, region string) string {
	t.Helper()
	inputs := []string{lang, "1", "1", "Awa Moussa", "3", situation}
	if situation == "1" || situation == "3" {
		inputs = append(inputs, "2")
	}
	inputs = append(inputs, region, "Douala", "1", "2", "1")
	text, body := "", ""
	_, body = s.ussd(t, sid, phone, "")
	for i, in := range inputs {
		if i > 0 {
			text += "*"
		}
		text += in
		_, body = s.ussd(t, sid, phone, text)
	}
	if !strings.HasPrefix(body, "END ") {
		t.Fatalf("registration did not end: %q", body)
	}
	return body
}

func TestAdminRegistrations(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	register(t, s, "S1", "+237670000101", "1", "1", "5")  // fr, migrant, littoral
	register(t, s, "S2", "+237670000102", "2", "2", "5")  // en, returnee, littoral
	register(t, s, "S3", "+237670000103", "1", "2", "2")  // fr, returnee, centre
	register(t, s, "S4", "+237670000104", "2", "5", "11") // en, diaspora, abroad

	cases := []struct {
		query     string
		wantTotal int
	}{
		{"", 4},
		{"?region=littoral", 2},
		{"?situation=returnee", 2},
		{"?lang=en", 2},
		{"?region=littoral&situation=returnee", 1},
		{"?region=littoral&lang=fr", 1},
		{"?region=nowhere", 0},
		{"?limit=1&offset=1", 4},
	}
	for _, c := range cases {
		t.Run("filter"+c.query, func(t *testing.T) {
			st, body, _ := s.do(t, adminGet("/admin/registrations"+c.query, adminToken))
			if st != 200 {
				t.Fatalf("status %d: %s", st, body)
			}
			var page struct {
				Total int `json:"total"`
				Items []struct {
					Ref     string            `json:"ref"`
					Phone   string            `json:"phone"`
					Answers map[string]string `json:"answers"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(body), &page); err != nil {
				t.Fatal(err)
			}
			if page.Total != c.wantTotal {
				t.Fatalf("total %d, want %d", page.Total, c.wantTotal)
			}
			if strings.Contains(c.query, "limit=1") && len(page.Items) != 1 {
				t.Fatalf("limit=1 gave %d items", len(page.Items))
			}
			for _, it := range page.Items {
				if it.Ref == "" || it.Phone == "" || it.Answers["name"] != "Awa Moussa" {
					t.Fatalf("item %+v", it)
				}
			}
		})
	}

	st, body, _ := s.do(t, adminGet("/admin/registrations/T00002", adminToken))
	if st != 200 || !strings.Contains(body, `"ref":"T00002"`) {
		t.Fatalf("by ref: %d %s", st, body)
	}
	if st, _, _ := s.do(t, adminGet("/admin/registrations/NOPE99", adminToken)); st != 404 {
		t.Fatalf("unknown ref: %d", st)
	}
	if st, _, _ := s.do(t, adminGet("/admin/registrations?limit=9999", adminToken)); st != 400 {
		t.Fatalf("bad limit: %d", st)
	}

	st, body, hdr := s.do(t, adminGet("/admin/registrations.csv", adminToken))
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", st, hdr.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "ref" || rows[1][0] != "T00001" || rows[4][0] != "T00004" {
		t.Fatalf("csv rows: %v", rows)
	}
}

func TestAdminAuth(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, path := range []string{"/admin/registrations", "/admin/registrations.csv", "/admin/registrations/T00001"} {
		for _, tok := range []string{"", "wrong-token-0123456789", adminToken + "x"} {
			if st, _, _ := s.do(t, adminGet(path, tok)); st != 401 {
				t.Errorf("%s with token %q: %d, want 401", path, tok, st)
			}
		}
		req := adminGet(path, "")
		req.Header.Set("Authorization", "Basic "+adminToken)
		if st, _, _ := s.do(t, req); st != 401 {
			t.Errorf("%s with Basic: %d", path, st)
		}
	}
	// With no token configured the admin routes do not exist.
	off := web.New(web.Config{Conversations: s.Service, Registry: s.Store, Store: s.Store})
	resp, err := off.App().Test(adminGet("/admin/registrations", adminToken), -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 404 {
		t.Fatalf("admin without a token configured: %d, want 404", resp.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if st, body, _ := s.do(t, adminGet(p, "")); st != 200 || body != "ok" {
			t.Fatalf("%s: %d %q", p, st, body)
		}
	}
	down := web.New(web.Config{Conversations: s.Service, Store: pingFunc(func() error { return errDown })})
	resp, _ := down.App().Test(adminGet("/readyz", ""), -1)
	if resp.StatusCode != 503 {
		t.Fatalf("readyz with the store down: %d", resp.StatusCode)
	}
}

// TestLogsHoldNoPersonalData runs a registration and checks that no log line
// carries the phone number, the name or the town.
func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	register(t, s, "S9", "+237670000199", "1", "1", "5")
	s.ussd(t, "S10", "+2376700001", "")
	logs := s.logs.String()
	hops := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if strings.Count(line, `"request_id"`) != 1 {
			t.Errorf("log line without exactly one request id: %s", line)
		}
		if strings.Contains(line, `"msg":"hop"`) {
			hops++
		}
	}
	if hops == 0 {
		t.Fatalf("the chat service's hop lines are missing:\n%s", logs)
	}
	for _, secret := range []string{"670000199", "237670000199", "Awa", "Moussa", "Douala", "6700001"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log output contains %q", secret)
		}
	}
}
