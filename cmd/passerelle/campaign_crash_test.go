package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestCampaignWorkerCrash: a `passerelle worker` process (campaign runner
// and outbox worker) SIGKILLed in the middle of a 1,000-recipient campaign;
// a second one finishes it. Nobody receives the message twice: the bulk
// lane does not send again a message whose outcome is unknown. Nobody is
// lost: every recipient either received it or is counted as an unknown
// outcome. The messages with an unknown outcome are exactly those the dead
// worker had begun (state "sending" at the kill), at most one chunk
// (PASSERELLE_OUTBOX_CONCURRENCY); some of them may have reached the
// provider before the kill, so received + unknown may exceed the audience
// by as many. The campaign's counts agree with the records.
func TestCampaignWorkerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds passerelle and runs two worker processes against the real Redis")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL and SIGTERM")
	}
	t.Parallel()
	const (
		n           = 1000
		concurrency = 8
		secret      = "campaign-crash-secret-0123456789"
		text        = "Passerelle: formation a Bafoussam mardi a 10h."
	)
	ctx := context.Background()
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t, rdb)
	store := redisstore.New(rdb, prefix)
	bin := buildPasserelle(t)
	hasher := msg.NewHasher([]byte(secret))

	phoneOf := func(i int) msg.Address { return msg.Address(fmt.Sprintf("+2376%08d", 80000000+i)) }
	base := time.Now().Add(-48 * time.Hour)
	for i := range n {
		p := phoneOf(i)
		reg := &msg.Registration{Ref: fmt.Sprintf("K%05d", i), Phone: p, Lang: msg.French, Channel: msg.USSD,
			Created: base.Add(time.Duration(i) * time.Second),
			Answers: map[string]string{"name": "N", "region": "ouest", "situation": "returnee", "sector": "trade", "stage": "idea"}}
		if err := store.Commit(ctx, hasher.Person(p), msg.Change{Registration: reg}); err != nil {
			t.Fatal(err)
		}
	}
	c := broadcast.Campaign{ID: "CRASH" + strconv.FormatInt(time.Now().UnixNano(), 36), Name: "Crash", Texts: map[string]string{"fr": text},
		Fallback: "fr", Audience: broadcast.Audience{Registered: true}, Rate: 500, State: broadcast.Draft, Created: time.Now()}
	if err := c.Validate(broadcast.Limits{MaxSegments: 3, MaxRate: 5000}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateCampaign(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	if err := store.SetCampaignState(ctx, c.ID, []broadcast.State{broadcast.Draft}, broadcast.Sending, "test", time.Now()); err != nil {
		t.Fatal(err)
	}

	// The fake answers after 10 to 30 ms: with eight sends at once, a
	// chunk is in flight most of the time and the kill lands inside one.
	tw := fakesms.NewTwilio(t)
	tw.SetHandler(func(i int, _ fakesms.Message) fakesms.Response {
		return fakesms.Response{Delay: time.Duration(10+(i*7)%21) * time.Millisecond}
	})
	env := []string{
		"PASSERELLE_REDIS_URL=" + redistest.URL(),
		"PASSERELLE_REDIS_PREFIX=" + prefix,
		"PASSERELLE_SECRET=" + secret,
		"PASSERELLE_USSD_OPEN=true",
		"PASSERELLE_SMS_PROVIDER=twilio",
		"PASSERELLE_TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef",
		"PASSERELLE_TWILIO_AUTH_TOKEN=crashtesttwiliotoken0123456789ab",
		"PASSERELLE_TWILIO_FROM=+237600000000",
		"PASSERELLE_PUBLIC_URL=https://gw.example.org",
		"PASSERELLE_TWILIO_API_URL=" + tw.URL(),
		"PASSERELLE_OUTBOX_CLAIM_IDLE=5s",
		"PASSERELLE_OUTBOX_CONCURRENCY=" + strconv.Itoa(concurrency),
		"PASSERELLE_ROUTE_RATE=5000",
		"PASSERELLE_QUIET_HOURS=none",
		"PASSERELLE_SESSION_GUARD=0",
		"PASSERELLE_LOG_FORMAT=json",
	}

	// Worker 1 expands the audience and sends until the fake accepted a
	// good part but not all, then dies.
	w1 := startWorker(t, bin, "worker 1", env)
	atKill := killAfter(t, w1, tw.Count, n*3/10, n, 60*time.Second)
	// Let Redis run what the dead worker's connections had sent, then see
	// which messages it had begun and not finished.
	time.Sleep(200 * time.Millisecond)
	ids := campaignMessageIDs(t, ctx, rdb, prefix, c.ID)
	atKillStates := messageStates(t, ctx, rdb, prefix, ids)
	inFlight := map[string]bool{}
	for id, s := range atKillStates {
		if s == "sending" {
			inFlight[id] = true
		}
	}
	before := byNumber(tw.Received())
	c1, err := store.Campaign(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Worker 2 sends the rest, claims the dead worker's entries after the
	// claim idle time, and marks the campaign done.
	start2 := time.Now()
	w2 := startWorker(t, bin, "worker 2", env)
	var end broadcast.Campaign
	deadline := time.Now().Add(90 * time.Second)
	for {
		end, err = store.Campaign(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if end.State == broadcast.Done {
			break
		}
		if w2.exited() {
			t.Fatalf("worker 2 ended by itself: %v", w2.state)
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign still %s 90s after worker 2 started: %+v; fake accepted %d", end.State, end.Counts, tw.Count())
		}
		time.Sleep(20 * time.Millisecond)
	}
	took2 := time.Since(start2)

	// Per recipient: how many times the provider accepted the message, and
	// its record's state.
	got := byNumber(tw.Received())
	ids = campaignMessageIDs(t, ctx, rdb, prefix, c.ID)
	states := messageStates(t, ctx, rdb, prefix, ids)
	var sent, unknown, receivedUnknown, never int
	for i := range n {
		p := phoneOf(i)
		id, ok := ids[hasher.Person(p)]
		if !ok {
			t.Errorf("%s was never queued", p)
			continue
		}
		k, s := got[string(p)], states[id]
		if k > 1 {
			t.Errorf("%s received the message %d times", p, k)
		}
		if k == 0 {
			never++
		}
		switch s {
		case "sent":
			sent++
			if k != 1 {
				t.Errorf("%s: message %s recorded sent, received %d times", p, id, k)
			}
		case "unknown":
			unknown++
			if k == 1 {
				receivedUnknown++
			}
			if !inFlight[id] {
				t.Errorf("%s: message %s has an unknown outcome but was %q at the kill", p, id, atKillStates[id])
			}
		default:
			t.Errorf("%s: message %s in state %q, received %d times", p, id, s, k)
		}
	}
	for id := range inFlight {
		if states[id] != "unknown" {
			t.Errorf("message %s was being sent at the kill and ended %q, want unknown", id, states[id])
		}
	}
	t.Logf("%d recipients; fake accepted %d before the kill (campaign then %+v); %d messages being sent at the kill; worker 2 finished in %v",
		n, atKill, c1.Counts, len(inFlight), took2.Round(time.Millisecond))
	t.Logf("received %d distinct (%d requests, %d accepted), never received %d; records: %d sent, %d unknown, of which %d had reached the provider before the kill; "+
		"received + unknown = %d (audience %d)", len(got), tw.Attempts(), tw.Count(), never, sent, unknown, receivedUnknown, len(got)+unknown, n)
	t.Logf("campaign counts: %+v", end.Counts)

	// Nothing doubled, nothing lost.
	if tw.Count() != len(got) {
		t.Errorf("the fake accepted %d messages for %d recipients: some were sent twice", tw.Count(), len(got))
	}
	if len(got)+unknown-receivedUnknown != n {
		t.Errorf("received %d + unknown and never received %d != audience %d", len(got), unknown-receivedUnknown, n)
	}
	if never != unknown-receivedUnknown {
		t.Errorf("%d recipients never received the message, %d unknown outcomes never received", never, unknown-receivedUnknown)
	}
	if len(inFlight) > concurrency {
		t.Errorf("%d messages being sent at the kill, more than one chunk (%d)", len(inFlight), concurrency)
	}
	// The counts agree with the records.
	k := end.Counts
	if k.Audience != n || k.Queued != n || k.Sent != int64(sent) || k.Unknown != int64(unknown) || k.Sent+k.Unknown != n ||
		k.Failed != 0 || k.Dead != 0 || k.Skipped != 0 || k.Cancelled != 0 {
		t.Errorf("counts %+v: want audience and queued %d, sent %d, unknown %d, nothing else", k, n, sent, unknown)
	}
	if len(inFlight) == 0 {
		t.Log("the kill caught no message in flight: no unknown outcome this time")
	}
	for _, b := range before {
		if b > 1 {
			t.Error("a message was sent twice before the kill")
		}
	}

	// Worker 2 stops cleanly on SIGTERM.
	if err := w2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if st := w2.wait(10 * time.Second); st == nil {
		t.Error("worker 2 still runs 10s after SIGTERM")
	} else if st.ExitCode() != 0 {
		t.Errorf("worker 2 exited with %v, want 0", st)
	}
}

// byNumber counts the messages the fake accepted per number.
func byNumber(ms []fakesms.Message) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		out[m.To]++
	}
	return out
}

// campaignMessageIDs reads which message a campaign queued for each
// person (its recipients hash).
func campaignMessageIDs(t *testing.T, ctx context.Context, rdb redis.UniversalClient, prefix, id string) map[msg.PersonID]string {
	t.Helper()
	h, err := rdb.HGetAll(ctx, prefix+"camprc:{g}:"+id).Result()
	if err != nil {
		t.Fatalf("reading the campaign's recipients: %v", err)
	}
	out := make(map[msg.PersonID]string, len(h))
	for p, m := range h {
		out[msg.PersonID(p)] = m
	}
	return out
}

// messageStates reads the state of each message's outbox record ("" for
// none yet).
func messageStates(t *testing.T, ctx context.Context, rdb redis.UniversalClient, prefix string, ids map[msg.PersonID]string) map[string]string {
	t.Helper()
	pipe := rdb.Pipeline()
	cmds := make(map[string]*redis.StringCmd, len(ids))
	for _, id := range ids {
		cmds[id] = pipe.HGet(ctx, prefix+"obm:{g}:"+id, "st")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		t.Fatalf("reading states: %v", err)
	}
	out := make(map[string]string, len(ids))
	for id, c := range cmds {
		out[id] = c.Val()
	}
	return out
}
