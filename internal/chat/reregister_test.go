package chat_test

import (
	"context"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestRegisteringAgainUpdates: a registered person who registers again is
// recognised; updating keeps their reference and replaces their answers,
// and there is still one registration.
func TestRegisteringAgainUpdates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237674000021")
	ctx := context.Background()
	play(t, h, from, "1", "1", "1", "Awa Moussa", "3", "2", "5", "Douala", "2", "2", "1")
	first, err := h.Store.RegistrationOf(ctx, h.Hasher.Person(from))
	if err != nil {
		t.Fatal(err)
	}
	r := play(t, h, from, "1")
	if got := r.Messages[0]; got[:len("Vous avez déjà")] != "Vous avez déjà" {
		t.Fatalf("not recognised: %q", got)
	}
	play(t, h, from, "1", "1", "1", "Awa Moussa", "3", "2", "8", "Bafoussam", "2", "2", "1")
	second, err := h.Store.RegistrationOf(ctx, h.Hasher.Person(from))
	if err != nil {
		t.Fatal(err)
	}
	if second.Ref != first.Ref || second.Answers["town"] != "Bafoussam" || second.Answers["region"] != "ouest" {
		t.Fatalf("after the update: %+v (first %s)", second, first.Ref)
	}
	if _, total, err := h.Store.Registrations(ctx, msg.Filter{}); err != nil || total != 1 {
		t.Fatalf("%d registrations, %v", total, err)
	}
	if items, total, _ := h.Store.Registrations(ctx, msg.Filter{Region: "littoral"}); total != 0 {
		t.Fatalf("the old region still indexed: %+v", items)
	}
}

// TestMinorsStoreNothingUnlessStaffDecide: someone under 18 gets a screen
// saying how to register and nothing is stored; with the staff feature
// register_minors on, they register like anyone.
func TestMinorsStoreNothingUnlessStaffDecide(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		h := apptest.NewWith(t, nil, func(c *chat.Config) {
			c.Features = func(name string) bool { return on && name == "register_minors" }
		})
		const from = msg.Address("+237674000031")
		r := play(t, h, from, "1", "1", "1", "Kofi Mensah", "1")
		_, total, err := h.Store.Registrations(context.Background(), msg.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if !on && (!r.End || total != 0 || !strings.Contains(r.Messages[0], "moins de 18 ans")) {
			t.Fatalf("feature off: %+v, %d registrations", r, total)
		}
		if on && (r.End || !strings.HasPrefix(r.Messages[0], "Votre situation")) {
			t.Fatalf("feature on: %+v", r)
		}
	}
}
