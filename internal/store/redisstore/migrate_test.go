package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// oldData writes, with plain commands, what a gateway of key layout 1
// stored for person n (registration ref, two outbox messages of which the
// first was read by a worker that died, an open campaign reply window) and
// the shared keys, and returns the names it wrote.
func oldData(t *testing.T, rdb *redis.Client, pfx string, n int, ref string) []string {
	t.Helper()
	ctx := context.Background()
	p := string(person(n))
	created := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	window := "c1|survey|q1|" + fmt.Sprint(created.Add(time.Hour).UnixMilli())
	stream := pfx + "ob:{ob}:conv"
	pipe := rdb.TxPipeline()
	pipe.HSet(ctx, pfx+"reg:{reg}:"+ref, "ref", ref, "person", p, "phone", string(phone(n)),
		"lang", string(msg.French), "channel", string(msg.USSD), "created", created.Format(time.RFC3339),
		"a.region", "littoral", "a.name", "Aminatou")
	pipe.ZAdd(ctx, pfx+"regs:{reg}", redis.Z{Score: float64(created.UnixMilli()), Member: ref})
	pipe.SAdd(ctx, pfx+"idx:{reg}:region:littoral", ref)
	pipe.SAdd(ctx, pfx+"idx:{reg}:lang:fr", ref)
	pipe.HSet(ctx, pfx+"regp:{reg}", p, ref)
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: pfx + "regstream:{reg}", Values: []any{"ref", ref}})
	pipe.XGroupCreateMkStream(ctx, stream, "workers", "0")
	pipe.HSet(ctx, pfx+"obstats:{ob}", "conv:queued", 2, "route|twilio|delivered", 3)
	pipe.Set(ctx, pfx+"cr:{"+p+"}", window, time.Hour)
	pipe.SAdd(ctx, pfx+"crp:{"+p+"}", "c1")
	pipe.HSet(ctx, pfx+"stats:{stats}", "reg|total", 1, "reg|day|2026-11-02", 1)
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: pfx + "audit:{audit}", Values: []any{"who", "ada", "action", "erase"}})
	pipe.SAdd(ctx, pfx+"optout:{opt}", string(person(n+1)))
	// Keys that keep their name.
	pipe.Set(ctx, pfx+"conv:{"+p+"}", "1:state", time.Hour)
	pipe.Set(ctx, pfx+"person:{"+p+"}", string(msg.French), time.Hour)
	pipe.HSet(ctx, pfx+"staff:{staff}:ada", "name", "ada")
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	obp := map[string]any{}
	for _, id := range []string{"m1", "m2"} {
		sid, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{"i", id, "t", string(phone(n)),
			"x", "Bonjour", "p", p, "k", string(msg.KindPage), "c", "", "r", ""}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		obp[id] = "conv " + sid + " "
	}
	if err := rdb.HSet(ctx, pfx+"obp:{"+p+"}", obp).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Expire(ctx, pfx+"obp:{"+p+"}", time.Hour)
	// A worker read m1 and died before acknowledging it.
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "old-worker",
		Streams: []string{stream, ">"}, Count: 1, Block: -1}).Err(); err != nil {
		t.Fatal(err)
	}
	return []string{
		"reg:{reg}:" + ref, "regs:{reg}", "idx:{reg}:region:littoral", "idx:{reg}:lang:fr", "regp:{reg}",
		"regstream:{reg}", "ob:{ob}:conv", "obstats:{ob}", "cr:{" + p + "}", "crp:{" + p + "}",
		"stats:{stats}", "audit:{audit}", "optout:{opt}", "obp:{" + p + "}",
	}
}

// TestMigrateLayout: data of layout 1 is read through the store's API
// after the migration, with the outbox stream's consumer group and its
// pending entry, the TTLs kept; the old names are gone, the keys of a
// person and of staff keep theirs, and a second run is one GET.
func TestMigrateLayout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	p := person(70)
	old := oldData(t, rdb, pfx, 70, "R70")

	n, err := s.MigrateLayout(ctx)
	if err != nil || n != len(old) {
		t.Fatalf("MigrateLayout = %d, %v; want %d", n, err, len(old))
	}
	for _, k := range old {
		if rdb.Exists(ctx, pfx+k).Val() != 0 {
			t.Errorf("old key %s still there", k)
		}
	}
	for _, k := range []string{"conv:{" + string(p) + "}", "person:{" + string(p) + "}", "staff:{staff}:ada"} {
		if rdb.Exists(ctx, pfx+k).Val() != 1 {
			t.Errorf("key %s moved", k)
		}
	}
	if v := rdb.Get(ctx, pfx+"layout:{g}").Val(); v != "2" {
		t.Errorf("marker %q", v)
	}

	// Registrations.
	r, err := s.Registration(ctx, "R70")
	if err != nil || r.Person != p || r.Phone != phone(70) || r.Answers["region"] != "littoral" {
		t.Errorf("Registration = %+v, %v", r, err)
	}
	if regs, total, err := s.Registrations(ctx, msg.Filter{Region: "littoral", Lang: msg.French}); err != nil || total != 1 || len(regs) != 1 || regs[0].Ref != "R70" {
		t.Errorf("Registrations = %+v, %d, %v", regs, total, err)
	}
	if r, err := s.RegistrationOf(ctx, p); err != nil || r.Ref != "R70" {
		t.Errorf("RegistrationOf = %+v, %v", r, err)
	}
	if n := rdb.XLen(ctx, pfx+"regstream:{g}").Val(); n != 1 {
		t.Errorf("regstream has %d entries", n)
	}
	// The person's conversation sees the registration and the reply window.
	c, err := s.Load(ctx, p, "hop")
	if err != nil || c.Version != 1 || c.RegRef != "R70" || !strings.HasPrefix(c.CampaignReply, "c1|survey|q1|") {
		t.Errorf("Load = %+v, %v", c, err)
	}
	if ttl := rdb.PTTL(ctx, pfx+"cr:{g}:"+string(p)).Val(); ttl <= 0 {
		t.Errorf("reply window lost its TTL: %v", ttl)
	}
	if m := rdb.SMembers(ctx, pfx+"crp:{g}:"+string(p)).Val(); len(m) != 1 || m[0] != "c1" {
		t.Errorf("crp = %v", m)
	}
	// Opt-outs, stats, audit.
	if out, err := s.OptedOut(ctx, person(71)); err != nil || !out {
		t.Errorf("OptedOut = %v, %v", out, err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Registrations.Total != 1 || st.Registrations.Days["2026-11-02"] != 1 || st.SMS["twilio"]["delivered"] != 3 {
		t.Errorf("Stats = %+v, %v", st, err)
	}
	if es, err := s.AuditEntries(ctx, "", 10); err != nil || len(es) != 1 || es[0].Fields["who"] != "ada" {
		t.Errorf("AuditEntries = %+v, %v", es, err)
	}
	// The outbox: the person's index, and the stream with its group: the
	// unread message is read, the one the dead worker held is claimed.
	if h := rdb.HGetAll(ctx, pfx+"obp:{g}:"+string(p)).Val(); len(h) != 2 {
		t.Errorf("obp = %v", h)
	}
	if ttl := rdb.PTTL(ctx, pfx+"obp:{g}:"+string(p)).Val(); ttl <= 0 {
		t.Errorf("obp lost its TTL: %v", ttl)
	}
	gs, err := rdb.XInfoGroups(ctx, pfx+"ob:{g}:conv").Result()
	if err != nil || len(gs) != 1 || gs[0].Name != "workers" || gs[0].Pending != 1 {
		t.Fatalf("groups = %+v, %v", gs, err)
	}
	es, err := s.OutboxClaim(ctx, msg.LaneConversation, "new-worker", 0, 10)
	if err != nil || len(es) != 1 || es[0].MsgID != "m1" {
		t.Errorf("OutboxClaim = %+v, %v", es, err)
	}
	es, err = s.OutboxRead(ctx, msg.LaneConversation, "new-worker", 10, -1)
	if err != nil || len(es) != 1 || es[0].MsgID != "m2" || es[0].Message.To != phone(70) {
		t.Errorf("OutboxRead = %+v, %v", es, err)
	}

	// A second run reads the marker and stops there.
	c2 := redistest.Client(t)
	var rt roundTrips
	c2.AddHook(&rt)
	n, err = redisstore.New(c2, pfx).MigrateLayout(ctx)
	if err != nil || n != 0 || rt.n.Load() != 1 {
		t.Errorf("second run = %d, %v in %d round trips; want 0, nil in 1", n, err, rt.n.Load())
	}
}

// TestMigrateLayoutFresh: a store with nothing to move records the marker.
func TestMigrateLayoutFresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	if n, err := s.MigrateLayout(ctx); err != nil || n != 0 {
		t.Fatalf("MigrateLayout = %d, %v", n, err)
	}
	if v := rdb.Get(ctx, pfx+"layout:{g}").Val(); v != "2" {
		t.Errorf("marker %q", v)
	}
	if keys := scanKeys(t, rdb, pfx); len(keys) != 1 {
		t.Errorf("keys %v; want only the marker", keys)
	}
}

// TestMigrateLayoutUnknownMarker: a marker of another layout (a newer
// gateway's) stops the migration with an error.
func TestMigrateLayoutUnknownMarker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	rdb.Set(ctx, pfx+"layout:{g}", "3", 0)
	rdb.SAdd(ctx, pfx+"optout:{opt}", "x")
	if _, err := s.MigrateLayout(ctx); err == nil || !strings.HasPrefix(err.Error(), "error migrating key layout:") {
		t.Fatalf("err %v", err)
	}
	if rdb.Exists(ctx, pfx+"optout:{opt}").Val() != 1 {
		t.Error("a key moved")
	}
}

// TestMigrateLayoutInterrupted: a run stopped half-way (some keys renamed,
// no marker) is finished by the next one, which moves only the rest.
func TestMigrateLayoutInterrupted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	old := oldData(t, rdb, pfx, 72, "R72")
	// The first run renamed the registration's keys, then stopped.
	done := 0
	for _, k := range old {
		if nk, ok := strings.CutPrefix(k, "reg:{reg}:"); ok {
			rdb.Rename(ctx, pfx+k, pfx+"reg:{g}:"+nk)
			done++
		}
	}
	if done != 1 {
		t.Fatalf("renamed %d by hand", done)
	}
	n, err := s.MigrateLayout(ctx)
	if err != nil || n != len(old)-done {
		t.Fatalf("MigrateLayout = %d, %v; want %d", n, err, len(old)-done)
	}
	if regs, total, err := s.Registrations(ctx, msg.Filter{Region: "littoral"}); err != nil || total != 1 || len(regs) != 1 {
		t.Errorf("Registrations = %+v, %d, %v", regs, total, err)
	}
}

// TestMigrateLayoutConcurrent: gateways starting together share the work:
// every key is moved once, none is lost or reported as a conflict, over
// several SCAN pages.
func TestMigrateLayoutConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb, pfx := mustStore(t)
	const keys = 3 * redisstore.MigrateBatch
	pipe := rdb.Pipeline()
	for i := range keys {
		pipe.HSet(ctx, fmt.Sprintf("%sobm:{ob}:m%d", pfx, i), "st", "sent")
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	const gateways = 4
	var wg sync.WaitGroup
	moved := make([]int, gateways)
	for i := range gateways {
		wg.Go(func() {
			var err error
			if moved[i], err = redisstore.New(redistest.Client(t), pfx).MigrateLayout(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range moved {
		total += n
	}
	if total != keys {
		t.Errorf("moved %v, %d in all; want %d", moved, total, keys)
	}
	got := scanKeys(t, rdb, pfx)
	if len(got) != keys+1 {
		t.Fatalf("%d keys after; want %d and the marker", len(got), keys)
	}
	for _, k := range got {
		if !strings.HasPrefix(k, pfx+"obm:{g}:m") && k != pfx+"layout:{g}" {
			t.Fatalf("key %s after the migration", k)
		}
	}
}

// TestMigrateLayoutConflict: a key found under its old and its new name
// keeps the new one, leaves the old one untouched, logs its kind at Warn
// (not the person, not the content) and leaves the marker unset; the
// other keys move. Not parallel: it swaps slog's default logger.
func TestMigrateLayoutConflict(t *testing.T) {
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	p := string(person(73))
	rdb.HSet(ctx, pfx+"stats:{stats}", "reg|total", 5)
	rdb.HSet(ctx, pfx+"stats:{g}", "reg|total", 7)
	rdb.HSet(ctx, pfx+"obp:{"+p+"}", "m1", "conv 1-0 secret-old")
	rdb.HSet(ctx, pfx+"obp:{g}:"+p, "m2", "conv 2-0 secret-new")
	rdb.ZAdd(ctx, pfx+"regs:{reg}", redis.Z{Score: 1, Member: "R73"})

	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	defer slog.SetDefault(prev)
	for run := range 2 {
		n, err := s.MigrateLayout(ctx)
		if want := 1 - run; err != nil || n != want {
			t.Fatalf("run %d: MigrateLayout = %d, %v; want %d", run, n, err, want)
		}
	}
	if v := rdb.HGet(ctx, pfx+"stats:{g}", "reg|total").Val(); v != "7" {
		t.Errorf("new stats overwritten: %q", v)
	}
	if v := rdb.HGet(ctx, pfx+"stats:{stats}", "reg|total").Val(); v != "5" {
		t.Errorf("old stats lost: %q", v)
	}
	if h := rdb.HGetAll(ctx, pfx+"obp:{g}:"+p).Val(); len(h) != 1 || h["m2"] == "" {
		t.Errorf("new obp = %v", h)
	}
	if rdb.Exists(ctx, pfx+"obp:{"+p+"}").Val() != 1 {
		t.Error("old obp lost")
	}
	if rdb.ZCard(ctx, pfx+"regs:{g}").Val() != 1 || rdb.Exists(ctx, pfx+"regs:{reg}").Val() != 0 {
		t.Error("regs not moved")
	}
	if rdb.Exists(ctx, pfx+"layout:{g}").Val() != 0 {
		t.Error("marker set with a conflict left")
	}
	out := logs.String()
	for _, want := range []string{"level=WARN", "kind=stats:{stats}", "kind=obp:{<person>}"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{p, "secret", pfx} {
		if strings.Contains(out, bad) {
			t.Errorf("log names %q:\n%s", bad, out)
		}
	}
}
