package redisstore_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/seal"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

func keysOf(t *testing.T, spec string) *seal.Keys {
	t.Helper()
	k, err := seal.ParseKeys(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRegistrationSealedAtRest: with encryption on, a registration's
// number and answers are sealed in Redis (the indexed answers stay
// readable: the indexes are named by them) and read back whole; after a
// rotation the older values still read; without the key they do not, with
// a clear error.
func TestRegistrationSealedAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb, prefix := mustStore(t)
	k1 := "k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	k2 := "k2:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 32)))
	s := redisstore.New(rdb, prefix).WithSeal(keysOf(t, k1))
	p := person(70)
	reg := &msg.Registration{Ref: "SEAL01", Phone: phone(70), Lang: msg.French, Channel: msg.USSD, Created: time.Now(),
		Answers: map[string]string{"name": "Awa Moussa", "town": "Garoua", "region": "nord", "situation": "returnee", "sector": "trade"}}
	if err := s.Commit(ctx, p, msg.Change{Registration: reg, State: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	raw := rdb.HGetAll(ctx, prefix+"reg:{g}:SEAL01").Val()
	for _, secret := range []string{string(phone(70)), "Awa", "Garoua"} {
		for k, v := range raw {
			if strings.Contains(v, secret) {
				t.Errorf("field %s holds %q in the clear", k, secret)
			}
		}
	}
	if raw["a.region"] != "nord" {
		t.Errorf("indexed answer sealed: %q", raw["a.region"])
	}
	got, err := s.Registration(ctx, "SEAL01")
	if err != nil || got.Phone != phone(70) || got.Answers["name"] != "Awa Moussa" || got.Answers["town"] != "Garoua" {
		t.Fatalf("read back %+v, %v", got, err)
	}
	rotated := redisstore.New(rdb, prefix).WithSeal(keysOf(t, k2+","+k1))
	if got, err := rotated.Registration(ctx, "SEAL01"); err != nil || got.Answers["name"] != "Awa Moussa" {
		t.Fatalf("after rotation %+v, %v", got, err)
	}
	if _, err := redisstore.New(rdb, prefix).Registration(ctx, "SEAL01"); err == nil || !strings.Contains(err.Error(), "PASSERELLE_ENCRYPTION_KEYS") {
		t.Fatalf("without the key: %v", err)
	}
	// Filters and the registration list work on sealed registrations.
	items, total, err := s.Registrations(ctx, msg.Filter{Region: "nord"})
	if err != nil || total != 1 || items[0].Answers["name"] != "Awa Moussa" {
		t.Fatalf("list %+v %d %v", items, total, err)
	}
}

// TestReseal: after a rotation, Reseal seals every older value with the
// new key, and the older key can then be dropped.
func TestReseal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb, prefix := mustStore(t)
	k1 := "k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("c", 32)))
	k2 := "k2:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("d", 32)))
	plain := redisstore.New(rdb, prefix)
	old := redisstore.New(rdb, prefix).WithSeal(keysOf(t, k1))
	for i, st := range []*redisstore.Store{plain, old, old} {
		reg := &msg.Registration{Ref: "RS0" + string(rune('1'+i)), Phone: phone(80 + i), Lang: msg.French, Channel: msg.SMS, Created: time.Now(),
			Answers: map[string]string{"name": "Name", "region": "est"}}
		if err := st.Commit(ctx, person(80+i), msg.Change{Registration: reg, State: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	rotated := redisstore.New(rdb, prefix).WithSeal(keysOf(t, k2+","+k1))
	n, err := rotated.Reseal(ctx, 2)
	if err != nil || n != 3 {
		t.Fatalf("resealed %d, %v", n, err)
	}
	onlyNew := redisstore.New(rdb, prefix).WithSeal(keysOf(t, k2))
	for i := 0; i < 3; i++ {
		ref := "RS0" + string(rune('1'+i))
		got, err := onlyNew.Registration(ctx, ref)
		if err != nil || got.Phone != phone(80+i) || got.Answers["name"] != "Name" {
			t.Fatalf("%s after reseal: %+v, %v", ref, got, err)
		}
	}
	if n, _ := rotated.Reseal(ctx, 2); n != 0 {
		t.Fatalf("a second reseal changed %d", n)
	}
}

// TestCampaignRepliesSealed: with encryption on, a campaign reply (number
// and answers) is sealed at rest and read back whole.
func TestCampaignRepliesSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb, prefix := mustStore(t)
	k := "k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("e", 32)))
	s := redisstore.New(rdb, prefix).WithSeal(keysOf(t, k))
	p := person(95)
	ans := &msg.CampaignAnswers{Campaign: "C1", Phone: phone(95), Lang: msg.French, At: time.Now(), Answers: map[string]string{"name": "Awa Moussa"}}
	if err := s.Commit(ctx, p, msg.Change{State: []byte("x"), Effects: msg.Effects{CampaignAnswers: ans}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range rdb.HGetAll(ctx, prefix+"camprsp:{g}:C1").Val() {
		if strings.Contains(v, string(phone(95))) || strings.Contains(v, "Awa") {
			t.Fatalf("reply stored in the clear: %q", v)
		}
	}
	got, err := s.CampaignReplies(ctx, "C1")
	if err != nil || len(got) != 1 || got[0].Phone != phone(95) || got[0].Answers["name"] != "Awa Moussa" {
		t.Fatalf("replies %+v, %v", got, err)
	}
}
