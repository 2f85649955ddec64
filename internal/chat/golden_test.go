package chat_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/testutil/apptest"

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
//
// Together the transcripts must visit every node of every shipped flow in
// both languages (a node entered before any language is chosen counts for
// both): a node never visited fails the test.
func TestTranscripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/transcripts/*.script")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	cov := &coverage{seen: map[string]bool{}}
	t.Run("scripts", func(t *testing.T) {
		for _, path := range scripts {
			name := strings.TrimSuffix(filepath.Base(path), ".script")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				runGolden(t, path, cov)
			})
		}
	})
	if t.Failed() || *update {
		return
	}
	set := apptest.Content(t).Set
	for _, key := range set.Keys() {
		for _, l := range []msg.Lang{msg.French, msg.English} {
			if !cov.has(key, l) {
				t.Errorf("no transcript visits %s in %s", key, l)
			}
		}
	}
}

// coverage records the nodes the transcripts enter, by language.
type coverage struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (c *coverage) visit(key string, l msg.Lang) {
	c.mu.Lock()
	c.seen[key+"|"+string(l)] = true
	c.mu.Unlock()
}

func (c *coverage) has(key string, l msg.Lang) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[key+"|"+string(l)] || c.seen[key+"|"]
}

// runGolden plays one script and compares it with its golden file.
func runGolden(t *testing.T, path string, cov *coverage) {
	got := playScript(t, path, cov)
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
}

func playScript(t *testing.T, path string, cov *coverage) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	features := scriptFeatures(string(src))
	h := apptest.NewWith(t, nil, func(c *chat.Config) {
		c.Visit = cov.visit
		c.Features = func(name string) bool { return features[name] }
	})
	var out bytes.Buffer
	if err := sim.Run(context.Background(), f, h.Phone, defaultPhone, &out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// scriptFeatures reads the features a script turns on, as staff would in
// deploy/contacts.yaml: a comment line "# features: cfce_costs, other".
func scriptFeatures(src string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(src, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "# features:"); ok {
			for _, f := range strings.Split(rest, ",") {
				if f = strings.TrimSpace(f); f != "" {
					out[f] = true
				}
			}
		}
	}
	return out
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
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return "(same lines, different bytes)"
}
