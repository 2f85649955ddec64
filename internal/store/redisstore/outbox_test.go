package redisstore_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// enqueueOne queues one conversation message for person n and reads it
// back as a worker would.
func enqueueOne(t *testing.T, ctx context.Context, s interface {
	Enqueue(context.Context, ...msg.Outbound) error
	OutboxInit(context.Context) error
	OutboxRead(context.Context, msg.Lane, string, int, time.Duration) ([]outbox.Entry, error)
}, id string, n int) outbox.Entry {
	t.Helper()
	if err := s.OutboxInit(ctx); err != nil {
		t.Fatal(err)
	}
	m := msg.Outbound{ID: id, To: phone(n), Person: person(n), Text: "Bonjour", Kind: msg.KindPage}
	if err := s.Enqueue(ctx, m); err != nil {
		t.Fatal(err)
	}
	es, err := s.OutboxRead(ctx, msg.LaneConversation, "c1", 10, -1)
	if err != nil || len(es) != 1 || es[0].MsgID != id {
		t.Fatalf("read %+v, %v", es, err)
	}
	return es[0]
}

// TestOutboxLifecycle: a queued message is begun (number and text handed
// to the worker), finished as sent (number, text and person dropped, the
// provider id recorded), then its delivery reports move its state and are
// counted once.
func TestOutboxLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e := enqueueOne(t, ctx, s, "m1", 50)
	jobs, err := s.OutboxBegin(ctx, msg.LaneConversation, []outbox.Entry{e}, now, outbox.Guard{})
	if err != nil || len(jobs) != 1 {
		t.Fatal(jobs, err)
	}
	j := jobs[0]
	if j.Decision != outbox.Send || j.Message.To != phone(50) || j.Message.Text != "Bonjour" || j.Attempt != 1 || j.Unknown {
		t.Fatalf("job %+v", j)
	}
	err = s.OutboxFinish(ctx, msg.LaneConversation, []outbox.Outcome{{Entry: e, Result: outbox.Sent, Provider: "twilio", ProviderID: "SM1"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	rec := rdb.HGetAll(ctx, prefix+"obm:{g}:m1").Val()
	if rec["st"] != "sent" || rec["pid"] != "SM1" || rec["t"] != "" || rec["x"] != "" || rec["p"] != "" {
		t.Fatalf("record after send %v", rec)
	}
	for _, k := range scanKeys(t, rdb, prefix) {
		if strings.Contains(k, string(person(50))) {
			t.Errorf("key %s still names the person", k)
		}
	}
	// Reports by our id and by the provider's id; a repeated one counts once.
	for _, st := range []msg.Status{
		{ID: "m1", State: msg.Sent, At: now},
		{Provider: "twilio", ProviderID: "SM1", State: msg.Delivered, At: now},
		{ID: "m1", State: msg.Delivered, At: now},
		{ID: "m2", State: msg.Undelivered, Code: "30003", At: now},
	} {
		if err := s.RecordStatus(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := s.Status(ctx, "m1"); err != nil || st.State != msg.Delivered || st.Provider != "twilio" || st.ProviderID != "SM1" {
		t.Fatalf("status %+v, %v", st, err)
	}
	if st, _ := s.Status(ctx, "m2"); st.State != msg.Undelivered || st.Code != "30003" {
		t.Fatalf("unknown message status %+v", st)
	}
	if _, err := s.Status(ctx, "nope"); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("err %v", err)
	}
	if err := s.RecordStatus(ctx, msg.Status{State: msg.Sent}); err == nil {
		t.Fatal("status without id accepted")
	}
	stats, err := s.OutboxStats(ctx, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if c := stats.Lanes[msg.LaneConversation]; c.Queued != 0 || c.Sent != 1 || c.Delivered != 1 || c.InFlight != 0 || c.Waiting != 0 {
		t.Fatalf("stats %+v", c)
	}
}

// TestOutboxRetryDeadAndUnknown: a retry waits in the delay set until due;
// a message begun twice is an unknown outcome (resent on the conversation
// lane, reported on the bulk lane); a dead letter is listed with its error
// and re-queued by staff.
func TestOutboxRetryDeadAndUnknown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e := enqueueOne(t, ctx, s, "r1", 51)
	if _, err := s.OutboxBegin(ctx, msg.LaneConversation, []outbox.Entry{e}, now, outbox.Guard{}); err != nil {
		t.Fatal(err)
	}
	retry := outbox.Outcome{Entry: e, Result: outbox.Retry, Err: "twilio http 503", RetryAt: now.Add(time.Minute)}
	if err := s.OutboxFinish(ctx, msg.LaneConversation, []outbox.Outcome{retry}, now); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.OutboxPromote(ctx, now.Add(30*time.Second), 10); n != 0 {
		t.Fatalf("promoted %d before due", n)
	}
	if n, _ := s.OutboxPromote(ctx, now.Add(time.Minute), 10); n != 1 {
		t.Fatalf("promoted %d when due", n)
	}
	es, _ := s.OutboxRead(ctx, msg.LaneConversation, "c1", 10, -1)
	if len(es) != 1 || es[0].MsgID != "r1" {
		t.Fatalf("after promote %+v", es)
	}
	// Begun, then begun again by another worker (the first died): unknown.
	if _, err := s.OutboxBegin(ctx, msg.LaneConversation, es, now, outbox.Guard{}); err != nil {
		t.Fatal(err)
	}
	jobs, err := s.OutboxBegin(ctx, msg.LaneConversation, es, now, outbox.Guard{})
	if err != nil || jobs[0].Decision != outbox.Send || !jobs[0].Unknown || jobs[0].Attempt != 3 {
		t.Fatalf("re-begun %+v, %v", jobs, err)
	}
	dead := outbox.Outcome{Entry: es[0], Result: outbox.Dead, Err: "after 3 attempts: twilio http 503"}
	if err := s.OutboxFinish(ctx, msg.LaneConversation, []outbox.Outcome{dead}, now); err != nil {
		t.Fatal(err)
	}
	st, err := s.OutboxStats(ctx, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	c := st.Lanes[msg.LaneConversation]
	if c.Dead != 1 || c.Queued != 0 || c.Unknown != 1 || c.Resent != 1 || len(st.Dead) != 1 || st.Dead[0].ID != "r1" || st.Dead[0].Err != dead.Err || st.Dead[0].Attempts != 3 {
		t.Fatalf("stats %+v, dead %+v", c, st.Dead)
	}
	if n, err := s.OutboxRetryDead(ctx, 10); err != nil || n != 1 {
		t.Fatalf("retried %d, %v", n, err)
	}
	es, _ = s.OutboxRead(ctx, msg.LaneConversation, "c1", 10, -1)
	jobs, _ = s.OutboxBegin(ctx, msg.LaneConversation, es, now, outbox.Guard{})
	if len(jobs) != 1 || jobs[0].Decision != outbox.Send || jobs[0].Attempt != 1 || jobs[0].Unknown {
		t.Fatalf("after staff retry %+v", jobs)
	}

	// The bulk lane reports an unknown outcome instead of sending again.
	if err := s.Enqueue(ctx, msg.Outbound{ID: "b1", To: phone(52), Person: person(52), Text: "x", Lane: msg.LaneBulk, Kind: msg.KindCampaign}); err != nil {
		t.Fatal(err)
	}
	bs, _ := s.OutboxRead(ctx, msg.LaneBulk, "c1", 10, -1)
	if _, err := s.OutboxBegin(ctx, msg.LaneBulk, bs, now, outbox.Guard{}); err != nil {
		t.Fatal(err)
	}
	jobs, _ = s.OutboxBegin(ctx, msg.LaneBulk, bs, now, outbox.Guard{})
	if jobs[0].Decision != outbox.ReportUnknown {
		t.Fatalf("bulk unknown %+v", jobs[0])
	}
}

// TestOutboxOptedOut: a person who opted out after the message was queued
// is skipped, except for the reply confirming the STOP.
func TestOutboxOptedOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if err := s.OutboxInit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(ctx,
		msg.Outbound{ID: "o1", To: phone(53), Person: person(53), Text: "page", Kind: msg.KindPage},
		msg.Outbound{ID: "o2", To: phone(53), Person: person(53), Text: "stopped", Kind: msg.KindStopReply}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOptOut(ctx, person(53), true); err != nil {
		t.Fatal(err)
	}
	es, _ := s.OutboxRead(ctx, msg.LaneConversation, "c1", 10, -1)
	jobs, err := s.OutboxBegin(ctx, msg.LaneConversation, es, now, outbox.Guard{})
	if err != nil || len(jobs) != 2 || jobs[0].Decision != outbox.SkipOptedOut || jobs[1].Decision != outbox.Send {
		t.Fatalf("jobs %+v, %v", jobs, err)
	}
}

func TestOptOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(40)
	for _, c := range []struct {
		out  bool
		want bool
	}{{true, true}, {true, true}, {false, false}, {true, true}} {
		if err := s.SetOptOut(ctx, p, c.out); err != nil {
			t.Fatal(err)
		}
		if got, err := s.OptedOut(ctx, p); err != nil || got != c.want {
			t.Fatalf("OptedOut = %v, %v; want %v", got, err, c.want)
		}
	}
	// Erasure keeps the opt-out.
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OptedOut(ctx, p); !got {
		t.Fatal("erasure lost the opt-out")
	}
}

// TestDedupeCacheIsBounded: a person's cache of replies to provider retries
// stays under its cap however many messages they send.
func TestDedupeCacheIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	p := person(54)
	var v int64
	for i := 0; i < 200; i++ {
		c := msg.Change{Version: v, State: []byte("s"), Dedupe: "twilio|m|SM" + strconv.Itoa(i), Reply: []byte("r")}
		if err := s.Commit(ctx, p, c); err != nil {
			t.Fatal(err)
		}
		v++
	}
	if n := rdb.HLen(ctx, prefix+"dd:{"+string(p)+"}").Val(); n == 0 || n > 64 {
		t.Fatalf("dedupe cache holds %d replies", n)
	}
	// The latest reply is still cached.
	c, err := s.Load(ctx, p, "twilio|m|SM199")
	if err != nil || string(c.Reply) != "r" {
		t.Fatalf("latest reply %q, %v", c.Reply, err)
	}
}

// TestOutboxLeave: a stopping consumer leaves the group when it holds no
// entry, and stays while it holds one (for another to claim).
func TestOutboxLeave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	e := enqueueOne(t, ctx, s, "l1", 55) // read by c1, not acknowledged
	consumers := func() int {
		cs, err := rdb.XInfoConsumers(ctx, prefix+"ob:{g}:conv", "workers").Result()
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	if err := s.OutboxLeave(ctx, "c1"); err != nil || consumers() != 1 {
		t.Fatalf("left holding an entry: %v, %d consumers", err, consumers())
	}
	if _, err := s.OutboxBegin(ctx, msg.LaneConversation, []outbox.Entry{e}, time.Now(), outbox.Guard{}); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxFinish(ctx, msg.LaneConversation, []outbox.Outcome{{Entry: e, Result: outbox.Sent}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxLeave(ctx, "c1"); err != nil || consumers() != 0 {
		t.Fatalf("did not leave: %v, %d consumers", err, consumers())
	}
}

// TestReportBeforeFinish: a provider's report that arrives before the
// worker records its send (Twilio posts "queued" at once) does not stop the
// send's outcome from being recorded, nor the counters from settling.
func TestReportBeforeFinish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	now := time.Now()
	e := enqueueOne(t, ctx, s, "rb1", 56)
	if _, err := s.OutboxBegin(ctx, msg.LaneConversation, []outbox.Entry{e}, now, outbox.Guard{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordStatus(ctx, msg.Status{ID: "rb1", State: msg.Queued, At: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxFinish(ctx, msg.LaneConversation, []outbox.Outcome{{Entry: e, Result: outbox.Sent, Provider: "twilio", ProviderID: "SMrb1"}}, now); err != nil {
		t.Fatal(err)
	}
	for _, st := range []msg.DeliveryState{msg.Delivered, msg.Sent} { // a late "sent" does not undo "delivered"
		if err := s.RecordStatus(ctx, msg.Status{Provider: "twilio", ProviderID: "SMrb1", State: st, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := s.OutboxStats(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := stats.Lanes[msg.LaneConversation]; c.Queued != 0 || c.Sent != 1 || c.Delivered != 1 {
		t.Fatalf("lane %+v: want settled, sent and delivered once", c)
	}
	if st, _ := s.Status(ctx, "rb1"); st.State != msg.Delivered {
		t.Fatalf("status %+v", st)
	}
}
