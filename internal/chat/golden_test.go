package chat_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sim"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts")

// defaultPhone is the person of a script that names none.
const defaultPhone = msg.Address("+237670000001")

// TestTranscripts plays every testdata/transcripts/*.script against the
// shipped flows and compares the transcript with its .golden file. Rewrite
// them with `go test ./internal/chat -run TestTranscripts -update` and review
// the diff.
func TestTranscripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/transcripts/*.script")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".script")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := playScript(t, path)
			golden := strings.TrimSuffix(path, ".script") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("transcript differs from %s:\n%s", golden, diff(string(want), string(got)))
			}
		})
	}
}

func playScript(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := newHarness(t)
	var out bytes.Buffer
	if err := sim.Run(context.Background(), f, h.Phone, defaultPhone, &out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return "(same lines, different bytes)"
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
