package broadcast

import (
	"context"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Throttler is the store's shared limiter and campaign records.
type Throttler interface {
	Throttle(ctx context.Context, key string, perSecond float64) (time.Duration, error)
	Campaign(ctx context.Context, id string) (Campaign, error)
}

// NewThrottle returns the outbox's Throttle: a campaign message waits for a
// place under the route's ceiling, then under its campaign's rate, both
// counted in Redis so that every worker shares them. Campaign rates are
// read at most every 10 s.
func NewThrottle(st Throttler, provider string, ceiling float64) func(ctx context.Context, m msg.Outbound) error {
	type cached struct {
		rate float64
		at   time.Time
	}
	var (
		mu    sync.Mutex
		rates = map[string]cached{}
	)
	rateOf := func(ctx context.Context, id string) float64 {
		mu.Lock()
		c, ok := rates[id]
		mu.Unlock()
		if ok && time.Since(c.at) < 10*time.Second {
			return c.rate
		}
		camp, err := st.Campaign(ctx, id)
		if err != nil {
			return c.rate // keep the last known (0: no campaign limit)
		}
		mu.Lock()
		rates[id] = cached{rate: camp.Rate, at: time.Now()}
		mu.Unlock()
		return camp.Rate
	}
	wait := func(ctx context.Context, key string, rate float64) error {
		for {
			d, err := st.Throttle(ctx, key, rate)
			if err != nil || d == 0 {
				return err
			}
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
	return func(ctx context.Context, m msg.Outbound) error {
		if err := wait(ctx, "route:"+provider, ceiling); err != nil {
			return err
		}
		return wait(ctx, "camp:"+m.Campaign, rateOf(ctx, m.Campaign))
	}
}
