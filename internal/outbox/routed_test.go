package outbox_test

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// viaSecond sends every message through the route "second", whatever the
// worker's route is, says so, and keeps the ids sent.
type viaSecond struct{ ids []string }

func (v *viaSecond) Send(ctx context.Context, m msg.Outbound) (string, error) {
	_, id, err := v.SendVia(ctx, m)
	return id, err
}

func (v *viaSecond) SendVia(_ context.Context, m msg.Outbound) (string, string, error) {
	v.ids = append(v.ids, m.ID)
	return "second", "SECOND-" + m.ID, nil
}

var _ outbox.RoutedSender = (*viaSecond)(nil)

// TestRoutedSenderRecordsItsRoute: a message a RoutedSender sent through
// another route than the worker's is recorded under that route, so a
// delivery report carrying only that route's provider id (as Africa's
// Talking's do) finds it.
func TestRoutedSenderRecordsItsRoute(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, nil)
	via := &viaSecond{}
	a.Outbox.Use(a, via, "first", sender.Classify)
	reintPage(t, a, "+237690007701") // a page asked by SMS: one message queued
	a.Outbox.Drain(t)
	if len(via.ids) != 1 {
		t.Fatalf("%d messages sent, want 1", len(via.ids))
	}
	ctx := context.Background()
	id := via.ids[0]
	err := a.Store.RecordStatus(ctx, msg.Status{Provider: "second", ProviderID: "SECOND-" + id, State: msg.Delivered, At: a.Clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.Store.Status(ctx, id)
	if err != nil || st.State != msg.Delivered || st.Provider != "second" {
		t.Fatalf("status %+v, %v: the report did not find the message sent through route second", st, err)
	}
}
