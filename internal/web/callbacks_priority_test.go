package web_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestAdminCallbacksPriority: GET /admin/callbacks lists the urgent request
// (the emergency page's, topic "emergency") first though it is the oldest,
// flagged "priority": true; the others say false.
func TestAdminCallbacksPriority(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, c := range []struct{ ref, topic string }{{"CBURG", "emergency"}, {"CBDOC", "documents"}, {"CBOTH", "other"}} {
		cb := msg.Callback{Ref: c.ref, Person: s.Hasher.Person("+237670000310"), Phone: "+237670000310", Lang: msg.English, Topic: c.topic, Created: at.Add(time.Duration(i) * time.Minute)}
		if err := s.Store.SaveCallback(ctx, cb); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []struct {
		query string
		want  []string
	}{
		{"", []string{"CBURG", "CBOTH", "CBDOC"}},
		{"?limit=1", []string{"CBURG"}},
		{"?offset=1", []string{"CBOTH", "CBDOC"}},
		{"?status=all", []string{"CBOTH", "CBDOC", "CBURG"}},
	} {
		st, body, _ := s.do(t, adminGet("/admin/callbacks"+q.query, adminToken))
		if st != 200 {
			t.Fatalf("%s: %d %s", q.query, st, body)
		}
		var page struct {
			Total int `json:"total"`
			Items []struct {
				Ref      string `json:"ref"`
				Topic    string `json:"topic"`
				Phone    string `json:"phone"`
				Priority *bool  `json:"priority"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		if page.Total != 3 || len(page.Items) != len(q.want) {
			t.Fatalf("%s: %s", q.query, body)
		}
		for i, it := range page.Items {
			if it.Ref != q.want[i] || it.Phone != "+237670000310" || it.Priority == nil || *it.Priority != (it.Topic == "emergency") {
				t.Errorf("%s: item %d %+v (priority %v), want %s flagged only if urgent:\n%s", q.query, i, it, it.Priority, q.want[i], body)
			}
		}
	}
}
