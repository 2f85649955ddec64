package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEListsEverySetting: the README's settings tables name every
// setting the binary reads (the core's and every provider's), so a new
// setting is documented where operators look.
func TestREADMEListsEverySetting(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		if !strings.Contains(string(b), "| `"+s.env+"` |") {
			t.Errorf("README.md has no row for %s", s.env)
		}
	}
}
