package broadcast

import (
	"context"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Reserver takes places under rates shared by every worker, and reads a
// campaign's rate (redisstore.Store).
type Reserver interface {
	Reserve(ctx context.Context, key string, perSecond float64, maxWait time.Duration) (time.Duration, bool, error)
	Campaign(ctx context.Context, id string) (Campaign, error)
}

// MaxThrottleWait is the longest a campaign message waits for its place
// once taken; a later place is not taken and the message is held instead,
// so that no message sits marked "being sent" while it waits.
const MaxThrottleWait = time.Second

// NewThrottle returns the outbox's Throttle: a campaign message takes a
// place under its campaign's rate, then under the route's ceiling, both
// kept in Redis for every worker. It returns how long to wait before
// sending, or, when no place opens within MaxThrottleWait, how long to hold
// the message (nothing taken then). Campaign rates are read at most every
// 10 s.
func NewThrottle(st Reserver, provider string, ceiling float64) func(ctx context.Context, m msg.Outbound) (wait, hold time.Duration, err error) {
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
	return func(ctx context.Context, m msg.Outbound) (time.Duration, time.Duration, error) {
		wc, ok, err := st.Reserve(ctx, "camp:"+m.Campaign, rateOf(ctx, m.Campaign), MaxThrottleWait)
		if err != nil || !ok {
			return 0, wc, err
		}
		wr, ok, err := st.Reserve(ctx, "route:"+provider, ceiling, MaxThrottleWait)
		if err != nil || !ok {
			return 0, wr, err
		}
		return max(wc, wr), 0, nil
	}
}
