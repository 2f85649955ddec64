package outbox_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

// reintPage asks the reintegration page by SMS over USSD and returns the
// screen that answers it.
func reintPage(t *testing.T, a *apptest.App, from msg.Address) string {
	t.Helper()
	ctx := context.Background()
	ph := a.Phone(from)
	var r msg.Reply
	var err error
	for i, in := range []string{"", "1", "3", "1", "1", "1"} {
		if i == 0 {
			r, err = ph.Dial(ctx)
		} else {
			r, err = ph.Answer(ctx, in)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return r.Messages[0]
}

// TestOutageThenRecovery: Twilio's API answers 503 for a while, then 201.
// Every page asked during the outage arrives exactly once when it ends, and
// the daily quota counted each page once.
func TestOutageThenRecovery(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, nil)
	fake := fakesms.NewTwilio(t)
	var down atomic.Bool
	down.Store(true)
	fake.SetHandler(func(int, fakesms.Message) fakesms.Response {
		if down.Load() {
			return fakesms.Fail(http.StatusServiceUnavailable, 0)
		}
		return fakesms.OK()
	})
	tw, err := twilio.NewSender(twilio.SendConfig{AccountSID: "AC" + strings.Repeat("0", 32), AuthToken: strings.Repeat("ab", 16),
		From: "+237600000000", BaseURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	a.Outbox.Use(a, sender.ForOutbox(tw), "twilio", sender.Classify)

	people := []msg.Address{"+237675000001", "+237675000002", "+237675000003"}
	for _, p := range people {
		if s := reintPage(t, a, p); !strings.Contains(s, "Le SMS arrive") {
			t.Fatalf("page screen %q", s)
		}
	}
	// Three attempts during the outage, each after the backoff.
	for i := 0; i < 3; i++ {
		a.Outbox.Drain(t)
		a.Clock.Advance(30 * time.Minute)
	}
	if fake.Count() != 0 || fake.Attempts() < 3*len(people) {
		t.Fatalf("during the outage: %d delivered, %d attempts", fake.Count(), fake.Attempts())
	}
	down.Store(false)
	a.Clock.Advance(time.Hour)
	a.Outbox.Drain(t)
	// A late drain sends nothing twice.
	a.Clock.Advance(time.Hour)
	a.Outbox.Drain(t)

	got := map[msg.Address]int{}
	for _, m := range fake.Received() {
		got[msg.Address(m.To)]++
	}
	for _, p := range people {
		if got[p] != 1 {
			t.Errorf("%s received %d pages, want 1", p.Masked(), got[p])
		}
		q := a.Redis.HGet(context.Background(), a.Prefix+"quota:{"+string(a.Hasher.Person(p))+"}", "sms_page").Val()
		if !strings.HasSuffix(q, ":1") {
			t.Errorf("%s quota %q, want one page counted", p.Masked(), q)
		}
	}
	st, err := a.Store.OutboxStats(context.Background(), a.Clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Lanes[msg.LaneConversation]; c.Sent != int64(len(people)) || c.Queued != 0 || c.Dead != 0 || c.Retrying != 0 {
		t.Fatalf("lane %+v", c)
	}
}
