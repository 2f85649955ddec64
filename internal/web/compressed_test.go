package web_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"testing"

	"github.com/passerelle/passerelle/internal/provider/providertest"
)

// TestCompressedWebhookRefused: no provider compresses its webhooks, so a
// compressed body is refused (415) before it is read or inflated, and
// nothing is stored; the same body uncompressed goes through.
func TestCompressedWebhookRefused(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	form := ussdForm("Z1", "+237670009901", "").Encode()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte(form))
	_ = w.Close()
	for _, enc := range []string{"gzip", "deflate", "br", "GZIP"} {
		req := postForm(providertest.USSDPath, gz.String())
		req.Header.Set("Content-Encoding", enc)
		if st, body, _ := s.do(t, req); st != http.StatusUnsupportedMediaType {
			t.Fatalf("%s: %d %q, want 415", enc, st, body)
		}
	}
	if keys := s.Keys(t); len(keys) != 0 {
		t.Fatalf("a refused request wrote %v", keys)
	}
	req := postForm(providertest.USSDPath, form)
	req.Header.Set("Content-Encoding", "identity")
	if st, _, _ := s.do(t, req); st != 200 {
		t.Fatalf("identity: %d", st)
	}
}
