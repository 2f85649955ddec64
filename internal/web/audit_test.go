package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const staffToken = "awa-staff-token-0123456789"

func as(token, method, path string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// TestAdminAudit: each staff member has a token of their own; every read
// of personal data and every change is in the audit stream under their
// name, with the filter or reference, never the data; staff read it at
// /admin/audit. Tokens are compared whatever their length.
func TestAdminAudit(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	register(t, s, "S1", "+237670000501", "1", "2", "8")
	for _, tok := range []string{"", "x", staffToken + "x", strings.Repeat("a", len(staffToken)), adminToken[:len(adminToken)-1]} {
		if st, _, _ := s.do(t, as(tok, "GET", "/admin/registrations")); st != 401 {
			t.Errorf("token %q: %d", tok, st)
		}
	}
	for _, path := range []string{"/admin/registrations?region=ouest", "/admin/registrations/T00001", "/admin/callbacks?status=all"} {
		if st, body, _ := s.do(t, as(staffToken, "GET", path)); st != 200 {
			t.Fatalf("%s: %d %s", path, st, body)
		}
	}
	if st, _, _ := s.do(t, as(adminToken, "GET", "/admin/registrations")); st != 200 {
		t.Fatal("the admin token still works")
	}
	st, body, _ := s.do(t, as(staffToken, "GET", "/admin/audit?limit=10"))
	var v struct {
		Items []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &v); st != 200 || err != nil {
		t.Fatalf("audit: %d %s", st, body)
	}
	want := []struct{ who, action, detail string }{
		{"admin", "read_registrations", "offset=0"},
		{"awa", "read_callbacks", "status=all"},
		{"awa", "read_registration", "T00001"},
		{"awa", "read_registrations", "region=ouest"},
	}
	if len(v.Items) != len(want) {
		t.Fatalf("audit %s", body)
	}
	for i, w := range want {
		f := v.Items[i].Fields
		if f["who"] != w.who || f["action"] != w.action || !strings.Contains(f["filter"]+f["ref"], w.detail) || f["at"] == "" {
			t.Errorf("entry %d = %v, want %+v", i, f, w)
		}
	}
	if strings.Contains(body, "670000501") || strings.Contains(body, "Awa Moussa") {
		t.Fatal("the audit holds personal data")
	}
	// Paging: older than the second entry.
	_, older, _ := s.do(t, as(staffToken, "GET", "/admin/audit?before="+v.Items[1].ID))
	if strings.Contains(older, v.Items[0].ID) || strings.Contains(older, v.Items[1].ID) || !strings.Contains(older, v.Items[2].ID) {
		t.Fatalf("older page %s", older)
	}
}
