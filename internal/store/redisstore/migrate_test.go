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

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// oldData writes, with plain commands, what a gateway of key layout 1
// stored for person n (registration ref, two outbox messages of which the
// first was read by a worker that died, an open campaign reply window) and
// the shared keys, and returns the names it wrote.
func oldData(t *testing.T, rdb redis.UniversalClient, pfx string, n int, ref string) []string {
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
	skipOnCluster(t)
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
	skipOnCluster(t)
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
	skipOnCluster(t)
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
	skipOnCluster(t)
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
	skipOnCluster(t)
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
// keeps the new one, sets the old one aside under layout1: for 30 days
// (so that it cannot come back later under the new name), logs its kind at
// Warn (not the person, not the content) and sets the marker; the other
// keys move. Not parallel: it swaps slog's default logger.
func TestMigrateLayoutConflict(t *testing.T) {
	skipOnCluster(t)
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	p := string(person(73))
	rdb.HSet(ctx, pfx+"stats:{stats}", "reg|total", 5)
	rdb.HSet(ctx, pfx+"stats:{g}", "reg|total", 7)
	rdb.HSet(ctx, pfx+"obp:{"+p+"}", "m1", "conv 1-0 secret-old")
	rdb.HSet(ctx, pfx+"obp:{g}:"+p, "m2", "conv 2-0 secret-new")
	rdb.ZAdd(ctx, pfx+"regs:{reg}", redis.Z{Score: 1, Member: "R73"})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: pfx + "audit:{audit}", Values: []any{"who", "secret-old"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: pfx + "audit:{g}", Values: []any{"who", "secret-new"}})

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
	if v := rdb.HGet(ctx, pfx+"layout1:stats:{stats}", "reg|total").Val(); v != "5" {
		t.Errorf("old stats not set aside: %q", v)
	}
	if ttl := rdb.TTL(ctx, pfx+"layout1:stats:{stats}").Val(); ttl <= 29*24*time.Hour || ttl > 30*24*time.Hour {
		t.Errorf("old stats kept aside %v, want 30 days", ttl)
	}
	if h := rdb.HGetAll(ctx, pfx+"obp:{g}:"+p).Val(); len(h) != 1 || h["m2"] == "" {
		t.Errorf("new obp = %v", h)
	}
	if rdb.Exists(ctx, pfx+"layout1:obp:{"+p+"}").Val() != 1 || rdb.Exists(ctx, pfx+"obp:{"+p+"}").Val() != 0 {
		t.Error("old obp not set aside")
	}
	if rdb.XLen(ctx, pfx+"audit:{g}").Val() != 1 || rdb.XLen(ctx, pfx+"layout1:audit:{audit}").Val() != 1 {
		t.Error("audit streams changed")
	}
	// The new key gone (erased, expired), a later start brings nothing back.
	rdb.Del(ctx, pfx+"obp:{g}:"+p)
	rdb.Del(ctx, pfx+"layout:{g}")
	if _, err := s.MigrateLayout(ctx); err != nil {
		t.Fatal(err)
	}
	if rdb.Exists(ctx, pfx+"obp:{g}:"+p).Val() != 0 {
		t.Error("a set-aside key came back under the new name")
	}
	if rdb.ZCard(ctx, pfx+"regs:{g}").Val() != 1 || rdb.Exists(ctx, pfx+"regs:{reg}").Val() != 0 {
		t.Error("regs not moved")
	}
	if rdb.Get(ctx, pfx+"layout:{g}").Val() != "2" {
		t.Error("marker not set")
	}
	out := logs.String()
	for _, want := range []string{"level=WARN", "kind=stats:{stats}", "kind=obp:{<person>}", "kind=audit:{audit}"} {
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

// TestMigrateLayoutAfterOutboxInit: the empty outbox streams a worker of
// layout 2 made (OutboxInit) before the migration give way to the old
// streams, their messages, group and pending entries: no conflict.
func TestMigrateLayoutAfterOutboxInit(t *testing.T) {
	skipOnCluster(t)
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	if err := s.OutboxInit(ctx); err != nil {
		t.Fatal(err)
	}
	old := oldData(t, rdb, pfx, 74, "R74")
	n, err := s.MigrateLayout(ctx)
	if err != nil || n != len(old) {
		t.Fatalf("MigrateLayout = %d, %v; want %d", n, err, len(old))
	}
	if rdb.Exists(ctx, pfx+"ob:{ob}:conv").Val() != 0 || rdb.Get(ctx, pfx+"layout:{g}").Val() != "2" {
		t.Fatal("old stream left or marker unset")
	}
	es, err := s.OutboxClaim(ctx, msg.LaneConversation, "w2", 0, 10)
	if err != nil || len(es) != 1 || es[0].MsgID != "m1" {
		t.Errorf("OutboxClaim = %+v, %v", es, err)
	}
	es, err = s.OutboxRead(ctx, msg.LaneConversation, "w2", 10, -1)
	if err != nil || len(es) != 1 || es[0].MsgID != "m2" {
		t.Errorf("OutboxRead = %+v, %v", es, err)
	}
	// The bulk lane had no old stream: its new one stays.
	if gs, err := rdb.XInfoGroups(ctx, pfx+"ob:{g}:bulk").Result(); err != nil || len(gs) != 1 {
		t.Errorf("bulk groups = %+v, %v", gs, err)
	}
}

// TestMigrateLayoutGlobPrefix: a prefix with glob characters matches only
// itself in SCAN.
func TestMigrateLayoutGlobPrefix(t *testing.T) {
	skipOnCluster(t)
	t.Parallel()
	ctx := context.Background()
	_, rdb, pfx := mustStore(t)
	rdb.SAdd(ctx, pfx+"a*[b]:optout:{opt}", "x")
	rdb.SAdd(ctx, pfx+"aX[b]:optout:{opt}", "x")
	rdb.SAdd(ctx, pfx+"ab:optout:{opt}", "x")
	n, err := redisstore.New(rdb, pfx+"a*[b]:").MigrateLayout(ctx)
	if err != nil || n != 1 {
		t.Fatalf("MigrateLayout = %d, %v; want 1", n, err)
	}
	for _, k := range []string{"a*[b]:optout:{g}", "aX[b]:optout:{opt}", "ab:optout:{opt}"} {
		if rdb.Exists(ctx, pfx+k).Val() != 1 {
			t.Errorf("key %s missing", k)
		}
	}
}

// layout1Tags is layout 1 as this test knows it: the hash tag of each kind
// of shared key. obp, cr and crp were under the person's tag.
var layout1Tags = map[string]string{
	"reg": "reg", "regp": "reg", "regs": "reg", "idx": "reg", "regstream": "reg",
	"cb": "cb", "cbopen": "cb", "cball": "cb", "cbp": "cb",
	"optout": "opt", "sub": "sub", "stats": "stats", "audit": "audit",
	"ob": "ob", "obm": "ob", "obdelay": "ob", "obdead": "ob", "obpid": "ob", "obstats": "ob",
	"camp": "camp", "camps": "camp", "campstat": "camp", "camprc": "camp", "camprsp": "camp",
	"camplock": "camp", "campactive": "camp",
}

// layout1Name returns the layout-1 name of a key the store wrote, and false
// for a key whose name did not change.
func layout1Name(t *testing.T, pfx, k string) (string, string, bool) {
	t.Helper()
	kind, tail, _ := strings.Cut(strings.TrimPrefix(k, pfx), ":")
	after, ok := strings.CutPrefix(tail, "{g}")
	if !ok {
		return "", kind, false
	}
	switch kind {
	case "obp", "cr", "crp":
		return pfx + kind + ":{" + strings.TrimPrefix(after, ":") + "}", kind, true
	}
	tag, ok := layout1Tags[kind]
	if !ok {
		t.Fatalf("key %s: kind %q of {g} unknown to layout 1", k, kind)
	}
	return pfx + kind + ":{" + tag + "}" + after, kind, true
}

// dumped is a key's serialized value and whether it has a TTL.
type dumped struct {
	value  string
	hasTTL bool
}

func dumpAll(t *testing.T, rdb redis.UniversalClient, pfx string) map[string]dumped {
	t.Helper()
	ctx := context.Background()
	out := map[string]dumped{}
	for _, k := range scanKeys(t, rdb, pfx) {
		v, err := rdb.Dump(ctx, k).Result()
		if err != nil {
			t.Fatalf("dump %s: %v", k, err)
		}
		out[k] = dumped{v, rdb.PTTL(ctx, k).Val() > 0}
	}
	return out
}

// TestMigrateLayoutRoundTrip: what the store writes through its API (every
// kind of shared key, obp, cr, crp), moved by hand to its layout-1 name, is
// brought back by MigrateLayout byte for byte (DUMP), TTLs kept, and read
// again through the API.
func TestMigrateLayoutRoundTrip(t *testing.T) {
	skipOnCluster(t)
	t.Parallel()
	ctx := context.Background()
	s, rdb, pfx := mustStore(t)
	// Layout 1 had only the one-script commit: its data never held effects logs.
	s.WithSplitCommit(false)
	at := time.Now().UTC().Truncate(time.Second)
	p := person(80)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Commit(ctx, p, msg.Change{State: []byte("s"), StateTTL: time.Hour, Lang: msg.French,
		Dedupe: "hop", Reply: []byte("END Merci"), DedupeTTL: time.Minute, Registration: registration(80, "R80", at)}))
	must(s.SaveCallback(ctx, msg.Callback{Ref: "CB80", Person: p, Phone: phone(80), Lang: msg.French, Region: "est", Created: at}))
	must(s.SetOptOut(ctx, person(81), true))
	// The outbox: one message sent, one waiting for a retry, one dead, one
	// read by a worker and not yet begun.
	must(s.OutboxInit(ctx))
	for _, id := range []string{"m1", "m2", "m3", "m4"} {
		must(s.Enqueue(ctx, msg.Outbound{ID: id, To: phone(80), Person: p, Text: "Bonjour", Kind: msg.KindPage}))
	}
	es, err := s.OutboxRead(ctx, msg.LaneConversation, "w1", 4, -1)
	if err != nil || len(es) != 4 {
		t.Fatalf("read %d, %v", len(es), err)
	}
	_, err = s.OutboxBegin(ctx, msg.LaneConversation, es[:3], at, outbox.Guard{})
	must(err)
	must(s.OutboxFinish(ctx, msg.LaneConversation, []outbox.Outcome{
		{Entry: es[0], Result: outbox.Sent, Provider: "twilio", ProviderID: "SM1"},
		{Entry: es[1], Result: outbox.Retry, Err: "twilio http 503", RetryAt: at.Add(time.Hour)},
		{Entry: es[2], Result: outbox.Dead, Err: "twilio http 400"},
	}, at))
	// A campaign, sending, its batch queued on the bulk lane, its lock
	// held, its reply window open for the person.
	must(s.CreateCampaign(ctx, broadcast.Campaign{ID: "c1", Name: "Info", Texts: map[string]string{"fr": "Bonjour"},
		Fallback: "fr", Rate: 1, Created: at}, "ada"))
	must(s.SetCampaignState(ctx, "c1", []broadcast.State{broadcast.Draft}, broadcast.Sending, "ada", at))
	must(s.SetCampaignAudience(ctx, "c1", 1))
	if n, err := s.QueueCampaignBatch(ctx, "c1", []msg.Outbound{{ID: "b1", To: phone(80), Person: p, Text: "Bonjour", Kind: msg.KindPage}}, "", true); err != nil || n != 1 {
		t.Fatalf("queued %d, %v", n, err)
	}
	if ok, err := s.LockCampaign(ctx, "c1", "w1", time.Hour); err != nil || !ok {
		t.Fatalf("lock %v, %v", ok, err)
	}
	must(s.OpenCampaignWindow(ctx, p, "c1", "survey", "q1", at.Add(time.Hour), at))
	// What a reply flow and a subscription write (scripts of a hop).
	rdb.HSet(ctx, pfx+"camprsp:{g}:c1", string(p), `{"answers":{"q1":"oui"}}`)
	rdb.SAdd(ctx, pfx+"crp:{g}:"+string(p), "c1")
	rdb.HSet(ctx, pfx+"sub:{g}", string(person(82)), "fr 1 0")

	before := dumpAll(t, rdb, pfx)
	kinds := map[string]bool{}
	moved := 0
	for k := range before {
		if o, kind, ok := layout1Name(t, pfx, k); ok {
			must(rdb.Rename(ctx, k, o).Err())
			kinds[kind] = true
			moved++
		}
	}
	for kind := range layout1Tags {
		if !kinds[kind] {
			t.Errorf("the test wrote no %s key", kind)
		}
	}
	for _, kind := range []string{"obp", "cr", "crp"} {
		if !kinds[kind] {
			t.Errorf("the test wrote no %s key", kind)
		}
	}

	n, err := s.MigrateLayout(ctx)
	if err != nil || n != moved {
		t.Fatalf("MigrateLayout = %d, %v; want %d", n, err, moved)
	}
	after := dumpAll(t, rdb, pfx)
	delete(after, pfx+"layout:{g}")
	if len(after) != len(before) {
		t.Errorf("%d keys after, %d before", len(after), len(before))
	}
	for k, b := range before {
		if a, ok := after[k]; !ok {
			t.Errorf("key %s missing after the migration", k)
		} else if a != b {
			t.Errorf("key %s changed (TTL before %v, after %v)", k, b.hasTTL, a.hasTTL)
		}
	}

	// And through the API.
	if st, err := s.OutboxStats(ctx, at, 10); err != nil || st.Lanes[msg.LaneConversation].Sent != 1 || st.Lanes[msg.LaneConversation].Retrying != 1 || len(st.Dead) != 1 {
		t.Errorf("OutboxStats = %+v, %v", st, err)
	}
	must(s.RecordStatus(ctx, msg.Status{Provider: "twilio", ProviderID: "SM1", State: msg.Delivered, At: at}))
	if st, err := s.Status(ctx, "m1"); err != nil || st.State != msg.Delivered {
		t.Errorf("Status = %+v, %v", st, err)
	}
	if c, err := s.Campaign(ctx, "c1"); err != nil || c.State != broadcast.Sending || c.Counts.Queued != 1 {
		t.Errorf("Campaign = %+v, %v", c, err)
	}
	if cs, err := s.ActiveCampaigns(ctx); err != nil || len(cs) != 1 {
		t.Errorf("ActiveCampaigns = %+v, %v", cs, err)
	}
	if cbs, total, err := s.Callbacks(ctx, false, 0, 10); err != nil || total != 1 || cbs[0].Ref != "CB80" {
		t.Errorf("Callbacks = %+v, %d, %v", cbs, total, err)
	}
	// Erasure finds everything of the person under the new names.
	e, err := s.ErasePerson(ctx, p, "ada", at)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range scanKeys(t, rdb, pfx) {
		if strings.Contains(k, string(p)) {
			t.Errorf("key %s still names the erased person (erased %+v)", k, e)
		}
	}
}

// skipOnCluster skips a test of the older key layout on a Cluster: that
// layout spanned slots, and no Cluster ever held it.
func skipOnCluster(t *testing.T) {
	t.Helper()
	if redistest.ClusterAddrs() != nil {
		t.Skip("the older key layout never ran on a Cluster")
	}
}
