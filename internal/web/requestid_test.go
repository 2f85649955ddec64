package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestRequestIDInHeaderAndLogs: the id in the X-Request-Id answer header is
// the request_id of every log line about the request, those written with
// the request's context (the access log) and those that name it themselves
// (rid: the refusal), and a new request gets another id.
func TestRequestIDInHeaderAndLogs(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var ids []string
	for range 2 {
		req := postForm(providertest.USSDPath, ussdForm("RID1", "+237670000777", "").Encode())
		req.Header.Set("Content-Encoding", "gzip") // refused, and logged with rid(c)
		before := len(s.logs.String())
		st, _, h := s.do(t, req)
		if st != 415 {
			t.Fatalf("status %d, want 415", st)
		}
		id := h.Get("X-Request-Id")
		if !strings.Contains(id, "-") {
			t.Fatalf("X-Request-Id %q", id)
		}
		ids = append(ids, id)
		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(s.logs.String()[before:]), "\n") {
			var rec struct {
				Msg       string `json:"msg"`
				RequestID string `json:"request_id"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec.RequestID != id {
				t.Errorf("%q logged with request_id %q, want %q", rec.Msg, rec.RequestID, id)
			}
			seen[rec.Msg] = true
		}
		if !seen["request refused"] || !seen["request"] {
			t.Fatalf("log lines %v, want the refusal and the access log", seen)
		}
	}
	if ids[0] == ids[1] {
		t.Fatalf("two requests with the id %q", ids[0])
	}
}
