package chat_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

func play(t *testing.T, h *apptest.App, p msg.Address, inputs ...string) msg.Reply {
	t.Helper()
	ph := h.Phone(p)
	ctx := context.Background()
	r, err := ph.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		if r, err = ph.Answer(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestRegistrationIsStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := play(t, h, defaultPhone, "1", "1", "1", "Awa*Moussa", "3", "1", "1", "2", "Garoua", "2", "2", "1")
	if !r.End || !strings.Contains(r.Messages[0], "Ref: T00001") {
		t.Fatalf("last reply = %+v", r)
	}
	reg, err := h.Store.Registration(context.Background(), "T00001")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"name": "Awa*Moussa", "age": "25-34", "situation": "migrant", "origin": "NG",
		"region": "centre", "town": "Garoua", "stage": "informal", "sector": "trade"}
	for k, v := range want {
		if reg.Answers[k] != v {
			t.Errorf("answer %s = %q, want %q", k, reg.Answers[k], v)
		}
	}
	if reg.Lang != msg.French || reg.Phone != defaultPhone || reg.Channel != msg.USSD || !reg.Created.Equal(testStart) {
		t.Errorf("registration = %+v", reg)
	}
	// The conversation is over: what remains of it is the language and, for
	// provider retries, the last screen for a few minutes; no answer.
	assertClosed(t, h, "Garoua", "centre")
	for _, k := range h.Keys(t) {
		if strings.Contains(k, "670000001") {
			t.Errorf("phone number in key %s", k)
		}
	}
}

// assertClosed checks that the person's conversation holds none of the
// answers and expires within the retry window.
func assertClosed(t *testing.T, h *apptest.App, answers ...string) {
	t.Helper()
	for _, k := range h.Keys(t) {
		if !strings.Contains(k, ":conv:") {
			continue
		}
		v, err := h.Redis.Get(context.Background(), k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range answers {
			if strings.Contains(v, a) {
				t.Errorf("closed conversation still holds %q", a)
			}
		}
		if ttl := h.Redis.PTTL(context.Background(), k).Val(); ttl <= 0 || ttl > chat.DefaultUSSDDedupeTTL {
			t.Errorf("closed conversation expires in %v", ttl)
		}
	}
}

func TestRefusedConsentStoresNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := play(t, h, defaultPhone, "1", "1", "2")
	if !r.End {
		t.Fatalf("refusal did not end: %+v", r)
	}
	p := string(h.Hasher.Person(defaultPhone))
	if _, err := h.Store.Stats(context.Background()); err != nil { // writes the funnel
		t.Fatal(err)
	}
	for _, k := range h.Keys(t) {
		rest := strings.TrimPrefix(k, h.Prefix)
		if rest == "stats:{g}" {
			// Staff's funnel: counts by node, nothing of the person.
			for f, v := range h.Redis.HGetAll(context.Background(), k).Val() {
				if strings.Contains(f+v, p) || !strings.HasPrefix(f, "reached|") {
					t.Errorf("funnel field %s=%s after a refusal", f, v)
				}
			}
			continue
		}
		if !strings.HasPrefix(rest, "person:") && !strings.HasPrefix(rest, "conv:") {
			t.Errorf("key %s stored after a refusal", k)
		}
	}
	assertClosed(t, h, "registration:")
	if _, total, err := h.Store.Registrations(context.Background(), msg.Filter{}); err != nil || total != 0 {
		t.Fatalf("registrations after refusal: %d, %v", total, err)
	}
}

func TestConcurrentRetriesApplyOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	play(t, h, defaultPhone, "1") // main menu
	in := msg.Inbound{Channel: msg.USSD, Provider: "sim", From: defaultPhone, Session: "SIM-237670000001-1", Text: "1*1", Cumulative: true}
	var wg sync.WaitGroup
	replies := make([]msg.Reply, 8)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.Service.Handle(context.Background(), in)
			if err != nil {
				t.Error(err)
			}
			replies[i] = r
		}()
	}
	wg.Wait()
	for _, r := range replies {
		if r.Messages[0] != replies[0].Messages[0] || !strings.HasPrefix(r.Messages[0], "Inscription") {
			t.Fatalf("replies differ: %q vs %q", r.Messages[0], replies[0].Messages[0])
		}
	}
	conv, err := h.Store.Load(context.Background(), h.Hasher.Person(defaultPhone), "")
	if err != nil {
		t.Fatal(err)
	}
	// dial (1), language (2), register (3): one change per distinct hop.
	if conv.Version != 3 {
		t.Fatalf("version = %d, want 3 (each distinct hop applied once)", conv.Version)
	}
}

// TestConcurrentDistinctHops sends two different answers of one person at
// once: each is applied on the state the other left, never both on the same.
func TestConcurrentDistinctHops(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	play(t, h, defaultPhone, "1", "1", "1") // name question
	var wg sync.WaitGroup
	for _, text := range []string{"1*1*1*Awa", "1*1*1*Awa*1"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := msg.Inbound{Channel: msg.USSD, Provider: "sim", From: defaultPhone, Session: "SIM-237670000001-1", Text: text, Cumulative: true}
			if _, err := h.Service.Handle(context.Background(), in); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	conv, err := h.Store.Load(context.Background(), h.Hasher.Person(defaultPhone), "")
	if err != nil {
		t.Fatal(err)
	}
	if conv.Version != 6 {
		t.Fatalf("version = %d, want 6: both hops applied, one after the other", conv.Version)
	}
}

// failingStore fails every commit, as Redis dying mid-hop would.
type failingStore struct{ chat.Store }

func (failingStore) Commit(context.Context, msg.PersonID, msg.Change) error {
	return errors.New("connection reset")
}

func TestStoreFailureApologises(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	play(t, h, defaultPhone, "2") // English
	before, _ := h.Store.Load(context.Background(), h.Hasher.Person(defaultPhone), "")
	svc := chat.New(h.Content.Engine, h.Renderer, failingStore{h.Store}, h.Hasher, nil, chat.Config{Now: h.Clock.Now})
	in := msg.Inbound{Channel: msg.USSD, Provider: "sim", From: defaultPhone, Session: "SIM-237670000001-1", Text: "2*1", Cumulative: true}
	r, err := svc.Handle(context.Background(), in)
	if !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !r.End || !strings.HasPrefix(r.Messages[0], "Service unavailable") {
		t.Fatalf("reply = %+v, want an English apology that ends the session", r)
	}
	after, _ := h.Store.Load(context.Background(), h.Hasher.Person(defaultPhone), "")
	if after.Version != before.Version || string(after.State) != string(before.State) {
		t.Fatal("state changed by a failed hop")
	}
	// For a person whose language is not known, the apology is in both.
	r, err = svc.Handle(context.Background(), msg.Inbound{Channel: msg.USSD, From: "+237699999999", Session: "X", Cumulative: true})
	if err == nil || !r.End || !strings.Contains(r.Messages[0], "indisponible") || !strings.Contains(r.Messages[0], "unavailable") {
		t.Fatalf("reply = %+v, err = %v", r, err)
	}
}
