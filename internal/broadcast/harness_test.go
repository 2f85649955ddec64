package broadcast_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/fakesms"
)

// rig is a campaign's whole path on the real Redis: registrations, the
// runner, outbox workers sending through twilio-go to a local fake.
type rig struct {
	*apptest.App
	fake *fakesms.Twilio
	tw   outbox.Sender
}

func newRig(t *testing.T) *rig {
	t.Helper()
	a := apptest.New(t, nil)
	fake := fakesms.NewTwilio(t)
	tw, err := twilio.NewSender(twilio.SendConfig{AccountSID: "AC" + strings.Repeat("0", 32), AuthToken: strings.Repeat("ab", 16),
		From: "+237600000000", BaseURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{App: a, fake: fake, tw: sender.ForOutbox(tw)}
}

// phoneOf is the number of registered person i.
func phoneOf(i int) msg.Address { return msg.Address(fmt.Sprintf("+23767%07d", i)) }

// registrationOf is the i-th test registration (phoneOf(i)), with reference
// ref: every third in English, regions alternating between "ouest" and
// "littoral".
func registrationOf(i int, ref string) *msg.Registration {
	lang, region := msg.French, "ouest"
	if i%3 == 0 {
		lang = msg.English
	}
	if i%2 == 1 {
		region = "littoral"
	}
	return &msg.Registration{Ref: ref, Phone: phoneOf(i), Lang: lang, Channel: msg.USSD,
		Created: apptest.Start.Add(time.Duration(i) * time.Second),
		Answers: map[string]string{"name": "N", "region": region, "situation": "returnee", "sector": "trade", "stage": "idea"}}
}

// register stores n registrations (registrationOf).
func (r *rig) register(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		reg := registrationOf(i, fmt.Sprintf("R%05d", i))
		if err := r.Store.Commit(ctx, r.Hasher.Person(reg.Phone), msg.Change{Registration: reg, State: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
}

// worker returns an outbox worker sending through the fake, with the
// shared throttle (route ceiling) and the guard.
func (r *rig) worker(name string, ceiling float64, g func(time.Time) outbox.Guard) *outbox.Worker {
	return outbox.New(r.Store, r.tw, outbox.Config{
		Consumer: name, Provider: "twilio", Concurrency: 32, Batch: 256, Block: 50 * time.Millisecond,
		BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond, ClaimIdle: 5 * time.Second,
		Classify: sender.Classify, Guard: g, Throttle: broadcast.NewThrottle(r.Store, "twilio", ceiling), Log: apptest.Discard(),
	})
}

// create stores a campaign and starts it.
func (r *rig) create(t *testing.T, c broadcast.Campaign) broadcast.Campaign {
	t.Helper()
	ctx := context.Background()
	if c.ID == "" {
		c.ID = "C" + strings.ToUpper(fmt.Sprintf("%x", time.Now().UnixNano()))
	}
	c.State, c.Created = broadcast.Draft, time.Now()
	if err := c.Validate(broadcast.Limits{MaxSegments: 3}); err != nil {
		t.Fatal(err)
	}
	if err := r.Store.CreateCampaign(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	if err := r.Store.SetCampaignState(ctx, c.ID, []broadcast.State{broadcast.Draft}, broadcast.Sending, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs the runner and the workers until the campaign is done or the
// timeout passes, and returns the campaign as it ended.
func (r *rig) run(t *testing.T, id string, timeout time.Duration, ws ...*outbox.Worker) broadcast.Campaign {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runner := broadcast.NewRunner(r.Store, broadcast.RunnerConfig{Tick: 50 * time.Millisecond, Batch: 250, Log: apptest.Discard()})
	done := make(chan struct{}, len(ws)+1)
	go func() { runner.Run(ctx); done <- struct{}{} }()
	for _, w := range ws {
		go func() { _ = w.Run(ctx); done <- struct{}{} }()
	}
	defer func() {
		cancel()
		for range len(ws) + 1 {
			<-done
		}
	}()
	deadline := time.Now().Add(timeout)
	for {
		c, err := r.Store.Campaign(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if c.State == broadcast.Done || c.State == broadcast.Cancelled {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign still %s after %v: %+v", c.State, timeout, c.Counts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
