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

// NewThrottle returns the outbox's Throttle for one route: a campaign
// message takes a place under its campaign's rate, then under the route's
// ceiling, both kept in Redis for every worker. It returns how long to wait
// before sending, or, when no place opens within MaxThrottleWait, how long
// to hold the message (nothing taken then). Campaign rates are read at most
// every 10 s.
func NewThrottle(st Reserver, provider string, ceiling float64) func(ctx context.Context, m msg.Outbound) (wait, hold time.Duration, err error) {
	return NewRoutedThrottle(st, func(msg.Outbound) (string, float64) { return provider, ceiling })
}

// NewRoutedThrottle is NewThrottle for messages that go out through
// several routes (operators routed to other providers): routeOf names the
// route a message will take and that route's ceiling, and each route's
// ceiling holds for the messages it carries.
func NewRoutedThrottle(st Reserver, routeOf func(msg.Outbound) (route string, ceiling float64)) func(ctx context.Context, m msg.Outbound) (wait, hold time.Duration, err error) {
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
		route, ceiling := routeOf(m)
		wr, ok, err := st.Reserve(ctx, "route:"+route, ceiling, MaxThrottleWait)
		if err != nil || !ok {
			return 0, wr, err
		}
		return max(wc, wr), 0, nil
	}
}
