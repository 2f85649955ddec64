package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Store keeps campaigns and expands their audience (redisstore.Store).
type Store interface {
	ActiveCampaigns(ctx context.Context) ([]Campaign, error)
	SetCampaignState(ctx context.Context, id string, from []State, to State, who string, at time.Time) error
	CampaignProgress(ctx context.Context, id string) (cursor string, exhausted bool, pending int64, err error)
	SetCampaignAudience(ctx context.Context, id string, n int) error
	CountAudience(ctx context.Context, a Audience, n int) (map[string]int, error)
	AudienceBatch(ctx context.Context, a Audience, cursor string, n int) ([]Recipient, string, bool, error)
	QueueCampaignBatch(ctx context.Context, id string, ms []msg.Outbound, cursor string, exhausted bool) (int, error)
	LockCampaign(ctx context.Context, id, owner string, ttl time.Duration) (bool, error)
	UnlockCampaign(ctx context.Context, id, owner string) error
}

// RunnerConfig tunes a Runner. Zero values take the defaults.
type RunnerConfig struct {
	// Tick is how often campaigns are looked at (default 1 s).
	Tick time.Duration
	// Batch is how many audience entries are read at once (default 500).
	Batch int
	// Ahead is how many seconds of sending are kept queued ahead of the
	// workers (default 5): the rest of the audience stays in the indexes.
	Ahead float64
	// Quiet hours: no expansion then (messages already queued are deferred
	// by the workers).
	Quiet Quiet
	// Shape adapts texts to the operator's alphabet (GSM-7 shaping).
	Shape func(string) string
	// NewID names messages (default random).
	NewID func() string
	Now   func() time.Time
	Log   *slog.Logger
}

// minAhead is the fewest messages of a sending campaign kept queued.
const minAhead = 10

// Runner starts scheduled campaigns when their time comes, expands the
// audience of sending campaigns into the outbox's bulk lane a batch at a
// time, and marks them done when every message is settled. Run one in each
// worker process: a lock per campaign lets one expand it at a time, and
// each recipient is queued at most once whatever happens.
type Runner struct {
	st    Store
	cfg   RunnerConfig
	owner string
}

// NewRunner returns a Runner.
func NewRunner(st Store, cfg RunnerConfig) *Runner {
	if cfg.Tick <= 0 {
		cfg.Tick = time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Ahead <= 0 {
		cfg.Ahead = 5
	}
	if cfg.Shape == nil {
		cfg.Shape = func(s string) string { return s }
	}
	if cfg.NewID == nil {
		cfg.NewID = randomID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Runner{st: st, cfg: cfg, owner: randomID()}
}

func randomID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Run looks at the campaigns every Tick until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Tick)
	defer t.Stop()
	for {
		if err := r.Step(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Log.Error("campaign runner step failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Step looks at every active campaign once: starts the scheduled ones whose time
// has come, queues the next batch of each sending one that needs it, and
// marks done those fully sent. It returns the first error met, after trying
// every campaign.
func (r *Runner) Step(ctx context.Context) error {
	cs, err := r.st.ActiveCampaigns(ctx)
	if err != nil {
		return err
	}
	var first error
	for _, c := range cs {
		if err := r.step(ctx, c); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (r *Runner) step(ctx context.Context, c Campaign) error {
	now := r.cfg.Now()
	switch c.State {
	case Scheduled:
		if c.StartAt.After(now) {
			return nil
		}
		err := r.st.SetCampaignState(ctx, c.ID, []State{Scheduled}, Sending, "", now)
		if err != nil {
			return ignoreRace(err)
		}
		r.cfg.Log.Info("campaign started", "campaign", c.ID)
		c.State = Sending
		fallthrough
	case Sending:
		return r.send(ctx, c, now)
	}
	return nil
}

// ignoreRace drops the error of a state change another worker made first.
func ignoreRace(err error) error {
	if errors.Is(err, ErrStateRace) {
		return nil
	}
	return err
}

// ErrStateRace is the error a Store wraps when a campaign is no longer in
// the state a change expected (another worker or staff moved it).
var ErrStateRace = errors.New("campaign state changed")

// send queues the next batch of a sending campaign when its queue runs
// low, or marks it done.
func (r *Runner) send(ctx context.Context, c Campaign, now time.Time) error {
	cursor, exhausted, pending, err := r.st.CampaignProgress(ctx, c.ID)
	if err != nil {
		return err
	}
	if exhausted {
		if pending <= 0 {
			if err := r.st.SetCampaignState(ctx, c.ID, []State{Sending}, Done, "", now); err != nil {
				return ignoreRace(err)
			}
			r.cfg.Log.Info("campaign done", "campaign", c.ID)
		}
		return nil
	}
	if !r.cfg.Quiet.Until(now).IsZero() {
		return nil // quiet hours: nothing more is queued
	}
	// Keep about Ahead seconds of sending queued (at least a few), so that
	// a slow campaign does not fill the bulk lane ahead of others.
	ahead := int64(max(c.Rate*r.cfg.Ahead, minAhead))
	if pending >= ahead {
		return nil
	}
	ok, err := r.st.LockCampaign(ctx, c.ID, r.owner, 30*time.Second)
	if err != nil || !ok {
		return err
	}
	defer func() { _ = r.st.UnlockCampaign(context.WithoutCancel(ctx), c.ID, r.owner) }()
	if cursor == "" {
		n, err := r.st.CountAudience(ctx, c.Audience, r.cfg.Batch)
		if err != nil {
			return err
		}
		total := 0
		for _, k := range n {
			total += k
		}
		if err := r.st.SetCampaignAudience(ctx, c.ID, total); err != nil {
			return err
		}
	}
	for pending < ahead && !exhausted {
		rs, next, done, err := r.st.AudienceBatch(ctx, c.Audience, cursor, int(min(int64(r.cfg.Batch), max(ahead-pending, minAhead))))
		if err != nil {
			return err
		}
		ms := make([]msg.Outbound, 0, len(rs))
		for _, rc := range rs {
			text, _ := c.TextFor(rc.Lang)
			if text == "" {
				continue
			}
			ms = append(ms, msg.Outbound{ID: r.cfg.NewID(), To: rc.Phone, Person: rc.Person, Text: r.cfg.Shape(text),
				Lane: msg.LaneBulk, Kind: msg.KindCampaign, Campaign: c.ID, ResendUnknown: c.ResendUnknown})
		}
		n, err := r.st.QueueCampaignBatch(ctx, c.ID, ms, next, done)
		if err != nil {
			return err
		}
		if n < 0 {
			return nil // paused or cancelled meanwhile
		}
		cursor, exhausted, pending = next, done, pending+int64(n)
	}
	return nil
}
