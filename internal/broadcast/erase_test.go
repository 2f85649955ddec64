package broadcast_test

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestErasureDuringCampaign: a person erased while their campaign message
// waits in the bulk lane is not sent it, and the campaign still ends (its
// count of messages waiting does not keep it sending forever).
func TestErasureDuringCampaign(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.register(t, 3)
	ctx := context.Background()
	runner := broadcast.NewRunner(r.Store, broadcast.RunnerConfig{Log: apptest.Discard()})
	c := r.create(t, broadcast.Campaign{Name: "Effacement", Texts: map[string]string{"fr": "Bonjour", "en": "Hello"}, Fallback: "fr",
		Audience: broadcast.Audience{Registered: true}, Rate: 100})
	if err := runner.Step(ctx); err != nil { // queued
		t.Fatal(err)
	}
	if err := r.Store.DeletePerson(ctx, r.Hasher.Person(phoneOf(1))); err != nil {
		t.Fatal(err)
	}
	w := outbox.New(r.Store, r.tw, outbox.Config{Consumer: "e1", Provider: "twilio", Log: apptest.Discard()})
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if err := runner.Step(ctx); err != nil { // done?
		t.Fatal(err)
	}
	got, err := r.Store.Campaign(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != broadcast.Done || got.Counts.Sent != 2 {
		t.Fatalf("campaign %s %+v: want done with 2 sent", got.State, got.Counts)
	}
	for _, m := range r.fake.Received() {
		if m.To == string(phoneOf(1)) {
			t.Fatal("the erased person was sent the campaign")
		}
	}
}
