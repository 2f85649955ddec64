package logctx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerAddsRequestID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	log.InfoContext(With(context.Background(), "rid-1"), "with")
	log.InfoContext(context.Background(), "without")
	log.Info("none")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"request_id":"rid-1"`) || strings.Contains(lines[1], "request_id") || strings.Contains(lines[2], "request_id") {
		t.Fatalf("lines:\n%s", buf.String())
	}
	if !strings.Contains(lines[0], `"component":"test"`) {
		t.Fatal("attributes lost")
	}
}
