package content_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/locales"
)

// TestShippedContent is the validator over the shipped flows and locales:
// no dangling reference, no untranslated or unknown text, no unreachable
// node, every USSD page within 182 characters in both languages.
func TestShippedContent(t *testing.T) {
	t.Parallel()
	c := apptest.Content(t)
	if probs := c.Check(182); len(probs) != 0 {
		for _, p := range probs {
			t.Error(p)
		}
	}
}

// TestCheckCatchesOverBudget shows the budget check bites: at 40
// characters some options no longer fit a page.
func TestCheckCatchesOverBudget(t *testing.T) {
	t.Parallel()
	c := apptest.Content(t)
	probs := c.Check(40)
	found := false
	for _, p := range probs {
		if strings.Contains(p.Text, "over the budget of 40") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no over-budget problem at 40 characters: %v", probs)
	}
}

// TestLoadEmptyNode: a flow file with an empty node does not load, and the
// error names the file and the node (the gateway refuses to start with it).
func TestLoadEmptyNode(t *testing.T) {
	t.Parallel()
	flows := fstest.MapFS{"main.yaml": {Data: []byte("spec: 1\nflow: main\nstart: a\nnodes: {a: }\n")}}
	_, err := content.Load(flows, locales.FS, apptest.Discard())
	if err == nil {
		t.Fatal("content with an empty node loaded")
	}
	for _, want := range []string{"main.yaml", `"a"`, "empty"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
