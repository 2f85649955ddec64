package chat_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestRegistrationConfirmationSMS: finishing a registration sends the
// confirmation SMS with the reference, to the person, in their language.
func TestRegistrationConfirmationSMS(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237673000001")
	play(t, h, from, "2", "1", "1", "John Ayuk", "3", "2", "7", "Bamenda", "3", "5", "1")
	h.Outbox.Drain(t)
	sent := h.Outbox.Sent()
	if len(sent) != 1 || sent[0].To != from || !strings.Contains(sent[0].Text, "Ref: T00001") || !strings.Contains(sent[0].Text, "registration saved") {
		t.Fatalf("sent %+v", sent)
	}
	if sent[0].ID == "" {
		t.Fatal("outbound message without an id")
	}
}

// TestFloodLimit: past the limit a person gets one notice, then silence;
// another person is not slowed.
func TestFloodLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237673000002")
	t.Cleanup(func() { _ = h.Store.DeletePerson(context.Background(), h.Hasher.Person(from)) })
	for i := 0; i < apptest.FloodLimit; i++ {
		if r := sms(t, h, from, "hello"); len(r.Messages) != 1 || strings.Contains(r.Messages[0], "Trop de messages") {
			t.Fatalf("message %d refused: %q", i, r.Messages)
		}
	}
	r := sms(t, h, from, "hello")
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0], "Trop de messages") || !strings.Contains(r.Messages[0], "Too many messages") {
		t.Fatalf("no notice past the limit: %q", r.Messages)
	}
	for i := 0; i < 3; i++ {
		if r := sms(t, h, from, "hello"); len(r.Messages) != 0 {
			t.Fatalf("not silent after the notice: %q", r.Messages)
		}
	}
	other := msg.Address("+237673000003")
	t.Cleanup(func() { _ = h.Store.DeletePerson(context.Background(), h.Hasher.Person(other)) })
	if r := sms(t, h, other, "hello"); len(r.Messages) != 1 || !strings.Contains(r.Messages[0], "Bienvenue") {
		t.Fatalf("another person slowed: %q", r.Messages)
	}
}

// TestSMSReplayChangesNothing: the same MessageSid again gets the same
// reply and no second change.
func TestSMSReplayChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237673000004")
	t.Cleanup(func() { _ = h.Store.DeletePerson(context.Background(), h.Hasher.Person(from)) })
	ph := h.Phone(from)
	ctx := context.Background()
	if _, err := ph.SMS(ctx, "Bonjour"); err != nil {
		t.Fatal(err)
	}
	first, _ := ph.SMS(ctx, "2")
	before, _ := h.Store.Load(ctx, h.Hasher.Person(from), "")
	again, _ := ph.Retry(ctx)
	after, _ := h.Store.Load(ctx, h.Hasher.Person(from), "")
	if strings.Join(first.Messages, "|") != strings.Join(again.Messages, "|") || before.Version != after.Version {
		t.Fatalf("replay: %q then %q, version %d then %d", first.Messages, again.Messages, before.Version, after.Version)
	}
}

// TestConcurrentSMSApplyInTurn: two SMS of one person arriving together are
// both applied, one after the other.
func TestConcurrentSMSApplyInTurn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237673000005")
	t.Cleanup(func() { _ = h.Store.DeletePerson(context.Background(), h.Hasher.Person(from)) })
	ctx := context.Background()
	sms(t, h, from, "Bonjour") // version 1
	done := make(chan error, 2)
	for i, text := range []string{"2", "9"} {
		go func() {
			in := msg.Inbound{Channel: msg.SMS, Provider: "sim", From: from, Text: text, ExternalID: "SMC" + strconv.Itoa(i)}
			_, err := h.Service.Handle(ctx, in)
			done <- err
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	conv, err := h.Store.Load(ctx, h.Hasher.Person(from), "")
	if err != nil || conv.Version != 3 {
		t.Fatalf("version %d (%v), want 3: both applied in turn", conv.Version, err)
	}
}
