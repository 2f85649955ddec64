package broadcast_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
)

// reservations records what a throttle asks of the limiter, and always
// grants at once.
type reservations struct {
	mu   sync.Mutex
	keys map[string]float64
}

func (r *reservations) Reserve(_ context.Context, key string, perSecond float64, _ time.Duration) (time.Duration, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[key] = perSecond
	return 0, true, nil
}

func (r *reservations) Campaign(context.Context, string) (broadcast.Campaign, error) {
	return broadcast.Campaign{Rate: 7}, nil
}

// TestRoutedThrottle: each message takes its place under its campaign's
// rate and under the ceiling of the route it will go through.
func TestRoutedThrottle(t *testing.T) {
	t.Parallel()
	r := &reservations{keys: map[string]float64{}}
	th := broadcast.NewRoutedThrottle(r, func(m msg.Outbound) (string, float64) {
		if m.To == "+237690000001" {
			return "kannel", 3
		}
		return "twilio", 30
	})
	for _, to := range []msg.Address{"+237690000001", "+237670000001"} {
		if wait, hold, err := th(context.Background(), msg.Outbound{To: to, Campaign: "c1"}); wait != 0 || hold != 0 || err != nil {
			t.Fatalf("%s: wait %v hold %v err %v", to, wait, hold, err)
		}
	}
	want := map[string]float64{"camp:c1": 7, "route:kannel": 3, "route:twilio": 30}
	for k, v := range want {
		if r.keys[k] != v {
			t.Errorf("reserved %s at %v/s, want %v (all: %v)", k, r.keys[k], v, r.keys)
		}
	}
}
