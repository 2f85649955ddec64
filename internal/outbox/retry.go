package outbox

import (
	"math"
	"time"
)

// backoff returns how long to wait before attempt+1 after a retryable
// failure of attempt (1-based): exponential from base, capped at most, with
// "equal jitter" (half fixed, half random, so that workers retrying together
// spread out) and never shorter than the provider's Retry-After.
func backoff(attempt int, base, most time.Duration, retryAfter time.Duration, rnd func() float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := float64(base) * math.Pow(2, float64(attempt-1))
	if d > float64(most) {
		d = float64(most)
	}
	wait := time.Duration(d/2 + d/2*rnd())
	if retryAfter > wait {
		wait = retryAfter
	}
	return wait
}
