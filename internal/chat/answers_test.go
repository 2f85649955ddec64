package chat_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxRegistrationAnswers bounds the answers a first-time caller gives on
// the common path, from the first dial to the reference code (about a
// minute a screen on a USSD timer).
const maxRegistrationAnswers = 12

// TestRegistrationAnswers counts, in the golden transcripts of the common
// path, the answers from the first dial to the screen with the reference.
func TestRegistrationAnswers(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/transcripts/registration_common_*.golden")
	if err != nil || len(files) < 2 {
		t.Fatalf("want the French and English common paths: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			answers, done := 0, false
			sc := bufio.NewScanner(fh)
			for sc.Scan() && !done {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "> "):
					answers++
				case strings.Contains(line, "Ref: "):
					done = true
				}
			}
			if !done {
				t.Fatal("the transcript never shows a reference")
			}
			if answers > maxRegistrationAnswers {
				t.Fatalf("%d answers to register, want at most %d", answers, maxRegistrationAnswers)
			}
			t.Logf("%d answers to register", answers)
		})
	}
}
