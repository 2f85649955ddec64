package chat_test

import (
	"context"
	"testing"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestOperatorBudget: a person whose operator's phones show fewer
// characters gets screens within that operator's budget, paged; the others
// keep the gateway's budget.
func TestOperatorBudget(t *testing.T) {
	t.Parallel()
	ops, err := msg.ParseOperators("")
	if err != nil {
		t.Fatal(err)
	}
	a := apptest.NewWith(t, nil, func(c *chat.Config) {
		c.Operator, c.Budgets = ops.Of, map[string]int{"orange": 80}
	})
	ctx := context.Background()
	menu := func(from msg.Address) []string {
		t.Helper()
		p := a.Phone(from)
		if _, err := p.Dial(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := p.Answer(ctx, "1") // Français: the main menu, over 80 characters
		if err != nil {
			t.Fatal(err)
		}
		return r.Messages
	}
	mtn, orange := menu("+237670005501"), menu("+237690005501")
	if n := utf8.RuneCountInString(mtn[0]); n <= 80 {
		t.Fatalf("MTN screen of %d characters: the menu should not be cut (%q)", n, mtn[0])
	}
	if n := utf8.RuneCountInString(orange[0]); n > 80 {
		t.Fatalf("Orange screen of %d characters, over its budget of 80: %q", n, orange[0])
	}
	if orange[0] == mtn[0] {
		t.Fatal("both operators got the same screen")
	}
}
