package chat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// TestErasureLeavesNothing registers a person over USSD (which also sends
// them a confirmation SMS), has them opt out, then erase their data by SMS;
// a scan of every key and value finds nothing of them but their keyed hash
// in the opt-out set.
func TestErasureLeavesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const from = msg.Address("+237672000777")
	other := msg.Address("+237672000778")
	r := play(t, h, from, "1", "1", "1", "Awa Moussa", "3", "1", "1", "2", "Garoua", "2", "2", "1")
	if !r.End || !strings.Contains(r.Messages[0], "Ref:") {
		t.Fatalf("registration: %+v", r)
	}
	play(t, h, other, "2", "1", "1", "John Ayuk", "3", "2", "7", "Bamenda", "3", "5", "1")
	// The confirmation SMS stays queued: erasure removes it with the rest.
	sms(t, h, from, "STOP")
	if r := sms(t, h, from, "SUPPRIMER"); !strings.Contains(r.Messages[0], "OUI") {
		t.Fatalf("no confirmation asked: %q", r.Messages)
	}
	if r := sms(t, h, from, "oui"); !strings.Contains(r.Messages[0], "effacées") {
		t.Fatalf("not erased: %q", r.Messages)
	}
	ctx := context.Background()
	p := string(h.Hasher.Person(from))
	// The outbox then settles the erased message without sending it.
	h.Outbox.Drain(t)
	for _, m := range h.Outbox.Sent() {
		if m.To == from {
			t.Errorf("a message was sent to the erased person: %q", m.Text)
		}
	}
	for _, k := range h.Keys(t) {
		// On a Cluster, two counters (a number each) outlive the erasure by
		// an hour or two: see redisstore.KeptAfterErasure.
		if redisstore.KeptAfterErasure(k, h.Redis.PTTL(ctx, k).Val()) {
			continue
		}
		if strings.Contains(k, p) {
			t.Errorf("key %s names the person", k)
		}
		if strings.HasSuffix(k, "optout:{g}") {
			continue
		}
		for _, v := range values(t, h, k) {
			for _, secret := range []string{p, "672000777", "Awa", "Moussa", "Garoua"} {
				if strings.Contains(v, secret) {
					t.Errorf("key %s still holds %q", k, secret)
				}
			}
		}
	}
	if out, _ := h.Store.OptedOut(ctx, h.Hasher.Person(from)); !out {
		t.Error("STOP did not survive the erasure")
	}
	// The other person is untouched.
	if reg, err := h.Store.RegistrationOf(ctx, h.Hasher.Person(other)); err != nil || reg.Answers["name"] != "John Ayuk" {
		t.Fatalf("other registration: %+v %v", reg, err)
	}
	// Dialing again starts afresh, language forgotten.
	if r := play(t, h, from); !strings.Contains(r.Messages[0], "Bienvenue / Welcome") {
		t.Fatalf("after erasure: %q", r.Messages)
	}
}

// values returns every value stored under a key, whatever its type.
func values(t *testing.T, a *apptest.App, k string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	switch a.Redis.Type(ctx, k).Val() {
	case "string":
		out = append(out, a.Redis.Get(ctx, k).Val())
	case "hash":
		for f, v := range a.Redis.HGetAll(ctx, k).Val() {
			out = append(out, f, v)
		}
	case "set":
		out = append(out, a.Redis.SMembers(ctx, k).Val()...)
	case "zset":
		out = append(out, a.Redis.ZRange(ctx, k, 0, -1).Val()...)
	case "stream":
		for _, m := range a.Redis.XRange(ctx, k, "-", "+").Val() {
			for f, v := range m.Values {
				out = append(out, f, fmt.Sprint(v))
			}
		}
	case "list":
		out = append(out, a.Redis.LRange(ctx, k, 0, -1).Val()...)
	}
	return out
}
