package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

func adminDo(method, path, token string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// TestAdminOutbox: staff see each lane's counts and the dead letters with
// their last error, and re-queue the dead letters; both need the token.
func TestAdminOutbox(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	register(t, s, "S1", "+237670000301", "1", "2", "5") // queues a confirmation
	ctx := context.Background()
	// One message fails for good: a dead letter.
	s.Outbox.Use(s.App, outbox.SenderFunc(func(context.Context, msg.Outbound) (string, error) {
		return "", errPermanent
	}), "test", func(error) outbox.Failure { return outbox.Failure{} })
	s.Outbox.Drain(t)

	for _, req := range []*http.Request{adminDo("GET", "/admin/outbox", ""), adminDo("POST", "/admin/outbox/dead/retry", "nope")} {
		if st, _, _ := s.do(t, req); st != 401 {
			t.Fatalf("%s %s without the token: %d", req.Method, req.URL, st)
		}
	}
	st, body, _ := s.do(t, adminDo("GET", "/admin/outbox", adminToken))
	var v struct {
		Lanes map[string]map[string]any `json:"lanes"`
		Dead  []outbox.DeadLetter       `json:"dead_letters"`
	}
	if err := json.Unmarshal([]byte(body), &v); st != 200 || err != nil {
		t.Fatalf("%d %s %v", st, body, err)
	}
	conv := v.Lanes["conv"]
	if conv["dead"] != 1.0 || conv["queued"] != 0.0 || len(v.Dead) != 1 || !strings.Contains(v.Dead[0].Err, "refused for good") || v.Dead[0].Kind != msg.KindConfirmation {
		t.Fatalf("outbox view %s", body)
	}
	if strings.Contains(body, "670000301") {
		t.Fatal("the outbox view shows a number")
	}
	st, body, _ = s.do(t, adminDo("POST", "/admin/outbox/dead/retry", adminToken))
	if st != 200 || !strings.Contains(body, `"requeued":1`) {
		t.Fatalf("retry: %d %s", st, body)
	}
	s.Outbox.Drain(t)
	stats, err := s.Store.OutboxStats(ctx, s.Clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := stats.Lanes[msg.LaneConversation]; c.Dead != 1 {
		// The failing sender turned it dead again: retried once, then dead.
		t.Fatalf("after retry and a failing send: %+v", c)
	}
}

// TestAdminErasePerson: DELETE /admin/people/{phone} erases the person in
// one step, answers what was erased, writes an audit entry with the keyed
// hash (never the number), and the access log shows only the route.
func TestAdminErasePerson(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const phone = "+237670000302"
	register(t, s, "S1", phone, "1", "2", "5")
	if st, _, _ := s.do(t, adminDo("DELETE", "/admin/people/"+phone, "")); st != 401 {
		t.Fatalf("without the token: %d", st)
	}
	if st, body, _ := s.do(t, adminDo("DELETE", "/admin/people/12ab", adminToken)); st != 400 {
		t.Fatalf("bad number: %d %s", st, body)
	}
	st, body, _ := s.do(t, adminDo("DELETE", "/admin/people/%2B237670000302", adminToken))
	if st != 200 || !strings.Contains(body, `"erased":true`) || !strings.Contains(body, `"registration":"T00001"`) || !strings.Contains(body, `"messages":1`) {
		t.Fatalf("erase: %d %s", st, body)
	}
	p := string(s.Hasher.Person(phone))
	ctx := context.Background()
	for _, k := range s.Keys(t) {
		// On a Cluster, two counters (a number each) outlive the erasure by
		// an hour or two: see redisstore.KeptAfterErasure.
		if redisstore.KeptAfterErasure(k, s.Redis.PTTL(ctx, k).Val()) {
			continue
		}
		if strings.Contains(k, p) {
			t.Errorf("key %s left", k)
		}
		if strings.HasSuffix(k, "audit:{g}") {
			es := s.Redis.XRange(ctx, k, "-", "+").Val()
			if len(es) != 1 || es[0].Values["person"] != p || es[0].Values["action"] != "erase_person" || es[0].Values["who"] == "" {
				t.Errorf("audit %+v", es)
			}
			continue
		}
		if v := s.Redis.Dump(ctx, k).Val(); strings.Contains(v, "670000302") {
			t.Errorf("key %s holds the number", k)
		}
	}
	if strings.Contains(s.logs.String(), "670000302") {
		t.Fatal("the logs carry the number")
	}
	// Again: nothing left to erase.
	if st, body, _ := s.do(t, adminDo("DELETE", "/admin/people/"+phone, adminToken)); st != 200 || !strings.Contains(body, `"erased":false`) {
		t.Fatalf("second erase: %d %s", st, body)
	}
}

type permanentError struct{}

func (permanentError) Error() string { return "refused for good" }

var errPermanent = permanentError{}
