package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// splitStore is a store committing as on Redis Cluster, on the test Redis.
func splitStore(t *testing.T) (*redisstore.Store, redis.UniversalClient, string) {
	t.Helper()
	s, rdb, prefix := mustStore(t)
	return s.WithSplitCommit(true), rdb, prefix
}

// sweepAgain lets the next RepairEffects sweep at once, as it would once
// the lock of the last one expired.
func sweepAgain(t *testing.T, rdb redis.UniversalClient, prefix string) {
	t.Helper()
	if err := rdb.Del(context.Background(), prefix+"repairlock:{g}").Err(); err != nil {
		t.Fatal(err)
	}
}

// registered tells whether ref is readable and listed under its region.
func registered(t *testing.T, s *redisstore.Store, ref string) bool {
	t.Helper()
	ctx := context.Background()
	_, err := s.Registration(ctx, ref)
	regs, _, lerr := s.Registrations(ctx, msg.Filter{Region: "littoral"})
	if lerr != nil {
		t.Fatal(lerr)
	}
	listed := false
	for _, r := range regs {
		listed = listed || r.Ref == ref
	}
	if (err == nil) != listed {
		t.Fatalf("registration %s half-indexed: readable %v, listed %v", ref, err == nil, listed)
	}
	return listed
}

// registrationsTotal is the staff's count of first registrations.
func registrationsTotal(t *testing.T, s *redisstore.Store) int64 {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Registrations.Total
}

// TestSplitCommitLeftBehind: a gateway that stops between the person's
// commit and the shared effects leaves a registration that is not yet
// indexed; the repair sweep, or the person's next hop, applies it, once.
func TestSplitCommitLeftBehind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		finish func(t *testing.T, s *redisstore.Store, p msg.PersonID)
	}{
		{"repair sweep", func(t *testing.T, s *redisstore.Store, _ msg.PersonID) {
			n, err := s.RepairEffects(ctx)
			if err != nil || n != 1 {
				t.Fatalf("RepairEffects = %d, %v; want 1 entry", n, err)
			}
		}},
		{"next hop", func(t *testing.T, s *redisstore.Store, p msg.PersonID) {
			if err := s.Commit(ctx, p, msg.Change{Version: 1, State: []byte("next")}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, rdb, prefix := splitStore(t)
			if err := s.OutboxInit(ctx); err != nil {
				t.Fatal(err)
			}
			p := person(900)
			log, err := s.CommitPersonOnly(ctx, p, msg.Change{State: []byte("done"),
				Registration: registration(900, "RSPLIT", time.Now()),
				Effects:      msg.Effects{Messages: []msg.Outbound{{ID: "m-split", To: phone(900), Text: "Merci"}}}})
			if err != nil || len(log) != 1 {
				t.Fatalf("person commit: log %d entries, %v", len(log), err)
			}
			if c, _ := s.Load(ctx, p, ""); c.Version != 1 {
				t.Fatalf("state not committed: %+v", c)
			}
			if registered(t, s, "RSPLIT") {
				t.Fatal("registration applied before its effects were")
			}
			tc.finish(t, s, p)
			if !registered(t, s, "RSPLIT") || registrationsTotal(t, s) != 1 {
				t.Fatalf("after %s: registered %v, counted %d; want indexed and counted once", tc.name,
					registered(t, s, "RSPLIT"), registrationsTotal(t, s))
			}
			// A late hand-over of the same entry (a gateway that read the
			// log before it was dropped) changes nothing.
			if n, err := s.ApplyLog(ctx, p, log); err != nil || n != 0 {
				t.Fatalf("late hand-over applied %d, %v; want 0", n, err)
			}
			sweepAgain(t, rdb, prefix)
			if n, err := s.RepairEffects(ctx); err != nil || n != 0 {
				t.Fatalf("second repair applied %d, %v", n, err)
			}
			if got := registrationsTotal(t, s); got != 1 {
				t.Fatalf("registrations counted %d times", got)
			}
			if q, err := s.OutboxRead(ctx, msg.LaneConversation, "c1", 10, -1); err != nil || len(q) != 1 {
				t.Fatalf("outbox holds %d messages, %v; want the one, once", len(q), err)
			}
		})
	}
}

// TestRepairOneAtATime: a sweep started while another holds the lock
// returns at once; the log waits for the next one.
func TestRepairOneAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := splitStore(t)
	if n, err := s.RepairEffects(ctx); err != nil || n != 0 {
		t.Fatalf("first sweep: %d, %v", n, err)
	}
	p := person(910)
	if _, err := s.CommitPersonOnly(ctx, p, msg.Change{State: []byte("a"), Registration: registration(910, "RLOCK", time.Now())}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RepairEffects(ctx); err != nil || n != 0 {
		t.Fatalf("a sweep under another's lock applied %d, %v", n, err)
	}
	sweepAgain(t, rdb, prefix)
	if n, err := s.RepairEffects(ctx); err != nil || n != 1 || !registered(t, s, "RLOCK") {
		t.Fatalf("the next sweep applied %d, %v", n, err)
	}
}

// TestSplitCommitKeepsOrder: an erasure after a registration whose effects
// were left behind erases it; the registration is not brought back by a
// late hand-over.
func TestSplitCommitKeepsOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := splitStore(t)
	p := person(901)
	log, err := s.CommitPersonOnly(ctx, p, msg.Change{State: []byte("done"), Registration: registration(901, "RORDER", time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.ErasePerson(ctx, p, "staff:amina", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if e.Registration != "RORDER" {
		t.Fatalf("erasure found registration %q, want RORDER applied then erased", e.Registration)
	}
	if registered(t, s, "RORDER") {
		t.Fatal("erased registration still there")
	}
	if n, err := s.ApplyLog(ctx, p, log); err != nil || n != 0 {
		t.Fatalf("late hand-over applied %d, %v", n, err)
	}
	if registered(t, s, "RORDER") {
		t.Fatal("late hand-over brought the erased registration back")
	}
}

// TestSplitCommitConflict: a lost compare-and-set writes nothing, not even
// a log entry.
func TestSplitCommitConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := splitStore(t)
	p := person(902)
	if err := s.Commit(ctx, p, msg.Change{State: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	err := s.Commit(ctx, p, msg.Change{Version: 0, State: []byte("b"), Registration: registration(902, "RLOST", time.Now())})
	if !errors.Is(err, msg.ErrConflict) {
		t.Fatalf("stale commit: %v, want ErrConflict", err)
	}
	if n, err := s.RepairEffects(ctx); err != nil || n != 0 {
		t.Fatalf("a lost hop left %d effects, %v", n, err)
	}
	if registered(t, s, "RLOST") {
		t.Fatal("a lost hop registered")
	}
}

// TestSplitCommitRefTaken: a reference another person holds is refused
// before anything is written, as on one node.
func TestSplitCommitRefTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := splitStore(t)
	if err := s.Commit(ctx, person(903), msg.Change{State: []byte("a"), Registration: registration(903, "RTAKEN", time.Now())}); err != nil {
		t.Fatal(err)
	}
	err := s.Commit(ctx, person(904), msg.Change{State: []byte("b"), Registration: registration(904, "RTAKEN", time.Now())})
	if !errors.Is(err, msg.ErrRefTaken) {
		t.Fatalf("taken ref: %v, want ErrRefTaken", err)
	}
	if c, _ := s.Load(ctx, person(904), ""); c.Version != 0 {
		t.Fatalf("refused hop wrote its state: %+v", c)
	}
}

// TestSplitSeqNeverGoesBack: a person's effects counter that expired
// while an entry waited (an erasure left unapplied for hours) does not
// make the next entry look applied already.
func TestSplitSeqNeverGoesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := splitStore(t)
	p := person(905)
	if err := s.Commit(ctx, p, msg.Change{State: []byte("a"), Registration: registration(905, "RSEQ1", time.Now())}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitPersonOnly(ctx, p, msg.Change{Version: 1, Effects: msg.Effects{Erase: true}}); err != nil {
		t.Fatal(err)
	}
	rdb.Del(ctx, prefix+"fxn:{"+string(p)+"}") // the counter expired
	log, err := s.CommitPersonOnly(ctx, p, msg.Change{State: []byte("b"), Registration: registration(905, "RSEQ2", time.Now())})
	if err != nil || len(log) != 2 {
		t.Fatalf("log %q, %v", log, err)
	}
	if n, err := s.ApplyLog(ctx, p, log); err != nil || n != 2 {
		t.Fatalf("applied %d, %v; want the erasure and the new registration", n, err)
	}
	if registered(t, s, "RSEQ1") || !registered(t, s, "RSEQ2") {
		t.Fatalf("after the erasure and the new registration: RSEQ1 %v, RSEQ2 %v", registered(t, s, "RSEQ1"), registered(t, s, "RSEQ2"))
	}
}

// TestSplitPoisonEntry: an entry that cannot be applied (here a shared key
// of the wrong type) is parked; the entries before it are not applied
// again, those after it are applied, and the repair goes on with other
// people's logs.
func TestSplitPoisonEntry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := splitStore(t)
	if err := s.OutboxInit(ctx); err != nil {
		t.Fatal(err)
	}
	p, other := person(906), person(907)
	msgOf := func(id string) msg.Effects {
		return msg.Effects{Messages: []msg.Outbound{{ID: id, To: phone(906), Text: "x"}}}
	}
	for i, c := range []msg.Change{
		{State: []byte("1"), Effects: msgOf("m1")},
		{Version: 1, State: []byte("2"), Effects: msg.Effects{OptOut: msg.OptedOut}},
		{Version: 2, State: []byte("3"), Effects: msgOf("m3")},
	} {
		if _, err := s.CommitPersonOnly(ctx, p, c); err != nil {
			t.Fatalf("hop %d: %v", i, err)
		}
	}
	if _, err := s.CommitPersonOnly(ctx, other, msg.Change{State: []byte("1"), Registration: registration(907, "RPOISON", time.Now())}); err != nil {
		t.Fatal(err)
	}
	rdb.Set(ctx, prefix+"optout:{g}", "not a set", 0)
	log := rdb.LRange(ctx, prefix+"fx:{"+string(p)+"}", 0, -1).Val()
	if _, err := s.RepairEffects(ctx); err != nil {
		t.Fatalf("repair: %v", err)
	}
	if !registered(t, s, "RPOISON") {
		t.Fatal("another person's log was held up")
	}
	for round := range 3 {
		if round > 0 { // late hand-overs of the whole log
			if _, err := s.ApplyLog(ctx, p, log); err != nil {
				t.Fatal(err)
			}
		}
		q, err := s.OutboxRead(ctx, msg.LaneConversation, "c", 10, -1)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{2, 0, 0}[round]; len(q) != want {
			t.Fatalf("round %d: %d messages newly queued, want %d (m1 and m3 once)", round, len(q), want)
		}
	}
	if n := rdb.XLen(ctx, prefix+"fxdead:{g}").Val(); n != 1 {
		t.Fatalf("%d entries parked, want the opt-out's", n)
	}
}
