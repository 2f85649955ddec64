package redisstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// refsIn returns every ref a set, sorted set or hash value of the test holds,
// by key (without the prefix).
func refsIn(tb testing.TB, rdb redis.UniversalClient, prefix string) map[string][]string {
	tb.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, k := range scanKeys(tb, rdb, prefix) {
		var refs []string
		switch typ, _ := rdb.Type(ctx, k).Result(); typ {
		case "zset":
			refs, _ = rdb.ZRange(ctx, k, 0, -1).Result()
		case "set":
			refs, _ = rdb.SMembers(ctx, k).Result()
		case "hash":
			h, _ := rdb.HGetAll(ctx, k).Result()
			for f, v := range h {
				refs = append(refs, f, v)
			}
		}
		out[strings.TrimPrefix(k, prefix)] = refs
	}
	return out
}

func TestPurgeRegistrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	cutoff := now.Add(-2 * 365 * 24 * time.Hour)
	old, recent := now.Add(-3*365*24*time.Hour), now.Add(-24*time.Hour)

	// A stream entry older than the cutoff (the stream's IDs are times; the
	// commits below add theirs at the server's time).
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: prefix + "regstream:{g}", ID: fmt.Sprintf("%d-0", old.UnixMilli()), Values: []any{"ref", "ANCIENT"}}).Err(); err != nil {
		t.Fatal(err)
	}
	// More old registrations than one batch, each of its own person.
	nOld := 2*redisstore.PurgeBatch + 7
	var oldRefs []string
	for i := range nOld {
		ref := fmt.Sprintf("OLD%04d", i)
		oldRefs = append(oldRefs, ref)
		if err := s.Commit(ctx, person(1000+i), msg.Change{Registration: registration(1000+i, ref, old.Add(time.Duration(i)*time.Second))}); err != nil {
			t.Fatal(err)
		}
	}
	// Kept: a recent registration, and one created exactly at the cutoff.
	keep := map[string]msg.PersonID{"NEW1": person(1), "EDGE1": person(2)}
	if err := s.Commit(ctx, person(1), msg.Change{Registration: registration(1, "NEW1", recent)}); err != nil {
		t.Fatal(err)
	}
	edge := registration(2, "EDGE1", cutoff)
	edge.Answers["region"], edge.Lang = "ouest", msg.English
	if err := s.Commit(ctx, person(2), msg.Change{Registration: edge}); err != nil {
		t.Fatal(err)
	}
	// A person who registered long ago, then again recently: the commit
	// replaced the old registration. Leave a stale copy of the old one, as
	// an older version or a crash might have, with its index entries: the
	// purge deletes it but leaves the person's pointer to the new one.
	p3 := person(3)
	if err := s.Commit(ctx, p3, msg.Change{Registration: registration(3, "NEW3", recent)}); err != nil {
		t.Fatal(err)
	}
	stale := prefix + "reg:{g}:STALE3"
	if err := rdb.HSet(ctx, stale, "ref", "STALE3", "person", string(p3), "phone", string(phone(3)), "lang", "en",
		"channel", "sms", "created", old.Format(time.RFC3339), "a.region", "nord", "a.situation", "refugee", "a.sector", "crafts").Err(); err != nil {
		t.Fatal(err)
	}
	rdb.ZAdd(ctx, prefix+"regs:{g}", redis.Z{Score: float64(old.UnixMilli()), Member: "STALE3"})
	for _, idx := range []string{"lang:en", "region:nord", "situation:refugee", "sector:crafts"} {
		rdb.SAdd(ctx, prefix+"idx:{g}:"+idx, "STALE3")
	}
	oldRefs = append(oldRefs, "STALE3")
	streamBefore := rdb.XLen(ctx, prefix+"regstream:{g}").Val()

	n, err := s.PurgeRegistrations(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if n != nOld+1 {
		t.Fatalf("purged %d, want %d", n, nOld+1)
	}
	for key, refs := range refsIn(t, rdb, prefix) {
		if strings.HasPrefix(key, "reg:{g}:") {
			ref := strings.TrimPrefix(key, "reg:{g}:")
			if _, ok := keep[ref]; !ok && ref != "NEW3" {
				t.Errorf("registration %s left", ref)
			}
			continue
		}
		for _, r := range refs {
			if slices.Contains(oldRefs, r) {
				t.Errorf("%s still holds %s", key, r)
			}
		}
	}
	for i := range nOld {
		if ok, _ := rdb.HExists(ctx, prefix+"regp:{g}", string(person(1000+i))).Result(); ok {
			t.Fatalf("regp still maps purged person %d", i)
		}
	}
	// What is kept is whole: hash, all-set, indexes and pointer.
	keep["NEW3"] = p3
	for ref, p := range keep {
		r, err := s.Registration(ctx, ref)
		if err != nil || r.Person != p {
			t.Errorf("kept %s: %+v, %v", ref, r, err)
		}
		if got := rdb.HGet(ctx, prefix+"regp:{g}", string(p)).Val(); got != ref {
			t.Errorf("regp of %s = %q", ref, got)
		}
		if _, err := rdb.ZScore(ctx, prefix+"regs:{g}", ref).Result(); err != nil {
			t.Errorf("regs lacks %s: %v", ref, err)
		}
		for _, idx := range []string{"lang:" + string(r.Lang), "region:" + r.Answers["region"], "situation:returnee", "sector:agriculture"} {
			if !rdb.SIsMember(ctx, prefix+"idx:{g}:"+idx, ref).Val() {
				t.Errorf("idx %s lacks %s", idx, ref)
			}
		}
	}
	if _, total, _ := s.Registrations(ctx, msg.Filter{}); total != 3 {
		t.Errorf("total after purge = %d, want 3", total)
	}
	if _, total, _ := s.Registrations(ctx, msg.Filter{Region: "nord"}); total != 0 {
		t.Errorf("stale region index after purge: %d", total)
	}
	// The stream loses only the entry older than the cutoff.
	if got := rdb.XLen(ctx, prefix+"regstream:{g}").Val(); got != streamBefore-1 {
		t.Errorf("stream has %d entries, want %d", got, streamBefore-1)
	}
	// Nothing left to purge.
	if n, err := s.PurgeRegistrations(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("second purge: %d, %v", n, err)
	}
}

func TestPurgeCallbacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	cutoff := now.Add(-90 * 24 * time.Hour)
	p1, p2, p3 := person(60), person(61), person(62)
	for _, c := range []msg.Callback{
		{Ref: "CBOLD", Person: p1, Phone: phone(60), Created: cutoff.Add(-time.Hour)},
		{Ref: "CBNEW", Person: p1, Phone: phone(60), Created: now.Add(-time.Hour)},
		{Ref: "CBGONE", Person: p2, Phone: phone(61), Created: now.Add(-2 * time.Hour)},
		{Ref: "CBKEEP", Person: p3, Phone: phone(62), Created: cutoff},
	} {
		if err := s.SaveCallback(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CloseCallback(ctx, "CBKEEP", now); err != nil {
		t.Fatal(err)
	}
	rdb.Del(ctx, prefix+"cb:{g}:CBGONE") // expired
	n, err := s.PurgeCallbacks(ctx, cutoff)
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	got := refsIn(t, rdb, prefix)
	if want := []string{"CBNEW"}; !slices.Equal(got["cbopen:{g}"], want) {
		t.Errorf("cbopen = %v, want %v", got["cbopen:{g}"], want)
	}
	if want := []string{"CBKEEP", "CBNEW"}; !slices.Equal(got["cball:{g}"], want) {
		t.Errorf("cball = %v, want %v", got["cball:{g}"], want)
	}
	cbp := rdb.HGetAll(ctx, prefix+"cbp:{g}").Val()
	if len(cbp) != 2 || cbp[string(p1)] != "CBNEW" || cbp[string(p3)] != "CBKEEP" {
		t.Errorf("cbp = %v", cbp)
	}
	if rdb.Exists(ctx, prefix+"cb:{g}:CBOLD").Val() != 0 {
		t.Error("old call-back hash left")
	}
	all, total, err := s.Callbacks(ctx, true, 0, 10)
	if err != nil || total != 2 || len(all) != 2 || all[0].Ref != "CBNEW" || all[1].Done.IsZero() {
		t.Errorf("after purge: %+v %d %v", all, total, err)
	}
	// Erasing a person still works after the purge rewrote the index.
	if err := s.DeletePerson(ctx, p1); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.Callbacks(ctx, true, 0, 10); total != 1 {
		t.Errorf("after erasure: %d", total)
	}
}

// TestPurgeEmbedded runs the purge and call-back scripts on miniredis, the
// embedded default, which the gateway purges at start-up too.
func TestPurgeEmbedded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := embeddedStore(t)
	now := time.Now()
	if err := s.Commit(ctx, person(90), msg.Change{Registration: registration(90, "EOLD", now.Add(-72*time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, person(91), msg.Change{Registration: registration(91, "ENEW", now)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []msg.Callback{
		{Ref: "ECB1", Person: person(90), Created: now.Add(-72 * time.Hour)},
		{Ref: "ECB2", Person: person(91), Created: now},
	} {
		if err := s.SaveCallback(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CloseCallback(ctx, "ECB2", now); err != nil {
		t.Fatal(err)
	}
	if _, total, err := s.Callbacks(ctx, true, 0, 10); err != nil || total != 2 {
		t.Fatalf("callbacks: %d, %v", total, err)
	}
	if n, err := s.PurgeRegistrations(ctx, now.Add(-24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge registrations: %d, %v", n, err)
	}
	if n, err := s.PurgeCallbacks(ctx, now.Add(-24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge call-backs: %d, %v", n, err)
	}
	if _, total, _ := s.Registrations(ctx, msg.Filter{}); total != 1 {
		t.Fatalf("registrations left: %d", total)
	}
	if all, total, _ := s.Callbacks(ctx, true, 0, 10); total != 1 || all[0].Ref != "ECB2" {
		t.Fatalf("call-backs left: %+v", all)
	}
}

// TestPurgeCallbacksByRetention: with a retention set, the purge at now
// minus Retention removes the call-back requests older than it, and those
// kept expire within it.
func TestPurgeCallbacksByRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	const retention = 48 * time.Hour
	s.WithRetention(retention)
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i, c := range []struct {
		ref string
		age time.Duration
	}{{"CBR72H", 72 * time.Hour}, {"CBR49H", 49 * time.Hour}, {"CBR47H", 47 * time.Hour}, {"CBR1H", time.Hour}} {
		cb := msg.Callback{Ref: c.ref, Person: person(400 + i), Phone: phone(400 + i), Created: now.Add(-c.age)}
		if err := s.SaveCallback(ctx, cb); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeCallbacks(ctx, now.Add(-s.Retention()))
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	all, total, err := s.Callbacks(ctx, true, 0, 10)
	if err != nil || total != 2 || all[0].Ref != "CBR1H" || all[1].Ref != "CBR47H" {
		t.Fatalf("kept %+v (%d), %v; want CBR1H, CBR47H", all, total, err)
	}
	for _, cb := range all {
		if ttl := rdb.TTL(ctx, prefix+"cb:{g}:"+cb.Ref).Val(); ttl <= 0 || ttl > retention {
			t.Errorf("%s expires in %v, want within the retention %v", cb.Ref, ttl, retention)
		}
	}
}
