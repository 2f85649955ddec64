package redisstore

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// Throttle counts one message against a rate shared by every worker, with
// github.com/go-redis/redis_rate (GCRA, no burst), under key (a route, a
// campaign). It returns 0 when the message may go now, else how long to wait
// before asking again; or the store's error (wrapped). Keys are
// "rate:" + prefix + "thr:" + key.
func (s *Store) Throttle(ctx context.Context, key string, perSecond float64) (time.Duration, error) {
	if perSecond <= 0 {
		return 0, nil
	}
	s.limiterOnce.Do(func() { s.limiter = redis_rate.NewLimiter(s.rdb) })
	res, err := s.limiter.Allow(ctx, s.keys.prefix+"thr:"+key, rateLimit(perSecond))
	if err != nil {
		return 0, fmt.Errorf("error throttling: %w", err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}

// rateLimit expresses a rate in messages a second as redis_rate's whole
// count per period, without burst.
func rateLimit(perSecond float64) redis_rate.Limit {
	if perSecond == math.Trunc(perSecond) {
		return redis_rate.Limit{Rate: int(perSecond), Burst: 1, Period: time.Second}
	}
	return redis_rate.Limit{Rate: max(int(math.Round(perSecond*100)), 1), Burst: 1, Period: 100 * time.Second}
}
