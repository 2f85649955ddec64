package sender

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

func TestLogNeverLogsTheNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		m            msg.Outbound
		wantSegments float64
	}{
		{"short", msg.Outbound{ID: "m-1", To: "+237670000001", Text: "Bonjour"}, 1},
		{"ucs2", msg.Outbound{ID: "m-2", To: "+33612345678", Text: strings.Repeat("ê", 71)}, 2},
		{"empty text", msg.Outbound{ID: "m-3", To: "+237699887766"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			s := NewLog(slog.New(slog.NewJSONHandler(&buf, nil)))
			res, err := s.Send(context.Background(), c.m)
			if err != nil || res.ProviderID != "log-"+c.m.ID {
				t.Fatalf("Send = %+v, %v", res, err)
			}
			out := buf.String()
			if strings.Contains(out, string(c.m.To)) || strings.Contains(out, string(c.m.To)[1:]) {
				t.Fatalf("log contains the raw number: %s", out)
			}
			var rec map[string]any
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatalf("log is not one JSON record: %v: %s", err, out)
			}
			if rec["message_id"] != c.m.ID || rec["to_masked"] != c.m.To.Masked() || rec["segments"] != c.wantSegments {
				t.Fatalf("log record = %v", rec)
			}
		})
	}
}
