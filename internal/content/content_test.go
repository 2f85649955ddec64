package content_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testutil/apptest"
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
