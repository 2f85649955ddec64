package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestAdminCallbackAssignAndNote(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := msg.Callback{Ref: "CBA", Person: s.Hasher.Person("+237670000300"), Phone: "+237670000300", Lang: msg.French, Created: at}
	if err := s.Store.SaveCallback(ctx, c); err != nil {
		t.Fatal(err)
	}
	post := func(path, body, token string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		st, _, _ := s.do(t, req)
		return st
	}
	cases := []struct {
		name, path, body, token string
		want                    int
	}{
		{"no token", "/admin/callbacks/CBA/assign", `{"staff":"amina"}`, "", 401},
		{"malformed", "/admin/callbacks/CBA/assign", `{`, adminToken, 400},
		{"not a staff name", "/admin/callbacks/CBA/assign", `{"staff":"Amina <admin>"}`, adminToken, 400},
		{"unknown ref", "/admin/callbacks/NOPE/assign", `{"staff":"amina"}`, adminToken, 404},
		{"assign", "/admin/callbacks/cba/assign", `{"staff":"amina"}`, adminToken, 200},
		{"note too long", "/admin/callbacks/CBA/note", `{"note":"` + strings.Repeat("a", 1001) + `"}`, adminToken, 400},
		{"note", "/admin/callbacks/CBA/note", `{"note":"called back"}`, staffToken, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(tc.path, tc.body, tc.token); got != tc.want {
				t.Fatalf("%s: %d, want %d", tc.path, got, tc.want)
			}
		})
	}
	st, body, _ := s.do(t, adminGet("/admin/callbacks?status=all", adminToken))
	var page struct {
		Items []msg.Callback `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 1 {
		t.Fatalf("list: %d %s", st, body)
	}
	if got := page.Items[0]; got.Assignee != "amina" || got.Note != "called back" || got.Done.IsZero() {
		t.Fatalf("call-back %+v", got)
	}
	es, _ := s.Store.AuditEntries(ctx, "", 10)
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Fields["who"]+":"+e.Fields["action"])
	}
	if j := strings.Join(actions, " "); !strings.Contains(j, "admin:assign_callback") || !strings.Contains(j, "awa:close_callback") {
		t.Fatalf("audit %v", actions)
	}
}
