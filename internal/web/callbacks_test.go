package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestAdminCallbacks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, ref := range []string{"CBA", "CBB"} {
		c := msg.Callback{Ref: ref, Person: s.Hasher.Person("+237670000300"), Phone: "+237670000300", Lang: msg.French, Region: "est", Created: at.Add(time.Duration(i) * time.Minute)}
		if err := s.Store.SaveCallback(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	list := func(query string) (int, []msg.Callback) {
		t.Helper()
		st, body, _ := s.do(t, adminGet("/admin/callbacks"+query, adminToken))
		if st != 200 {
			t.Fatalf("list%s: %d %s", query, st, body)
		}
		var page struct {
			Total int            `json:"total"`
			Items []msg.Callback `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		return page.Total, page.Items
	}
	if n, items := list(""); n != 2 || items[0].Ref != "CBB" || items[1].Phone != "+237670000300" {
		t.Fatalf("open: %d %+v", n, items)
	}
	done := func(ref, token string) int {
		req := httptest.NewRequest(http.MethodPost, "/admin/callbacks/"+ref+"/done", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		st, _, _ := s.do(t, req)
		return st
	}
	cases := []struct {
		ref, token string
		want       int
	}{
		{"CBA", "", 401},
		{"CBA", "wrong-token-0123456789", 401},
		{"NOPE", adminToken, 404},
		{"cba", adminToken, 200},
	}
	for _, c := range cases {
		if got := done(c.ref, c.token); got != c.want {
			t.Errorf("done %s with %q: %d, want %d", c.ref, c.token, got, c.want)
		}
	}
	if n, items := list(""); n != 1 || items[0].Ref != "CBB" {
		t.Fatalf("open after done: %d %+v", n, items)
	}
	if n, items := list("?status=all"); n != 2 || items[1].Done.IsZero() {
		t.Fatalf("all: %d %+v", n, items)
	}
	if st, _, _ := s.do(t, adminGet("/admin/callbacks?status=maybe", adminToken)); st != 400 {
		t.Fatalf("bad status: %d", st)
	}
	if st, _, _ := s.do(t, adminGet("/admin/callbacks", "")); st != 401 {
		t.Fatalf("no token: %d", st)
	}
}
