package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"github.com/passerelle/passerelle/internal/msg"
)

// Flood limits how many messages one person may send in a period, with
// github.com/go-redis/redis_rate (GCRA). Past the limit the person gets one
// notice, then silence until the limit lets them through again.
//
// Keys: "rate:" + prefix + "flood:{p}" (redis_rate adds "rate:") and
// prefix + "floodnote:{p}" (the notice was given).
type Flood struct {
	s       *Store
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
}

// NewFlood returns a limiter allowing n messages per period to each person.
func (s *Store) NewFlood(n int, period time.Duration) *Flood {
	return &Flood{s: s, limiter: redis_rate.NewLimiter(s.rdb), limit: redis_rate.Limit{Rate: n, Burst: n, Period: period}}
}

func (k keyspace) flood(p msg.PersonID) string     { return k.prefix + "flood:{" + string(p) + "}" }
func (k keyspace) floodNote(p msg.PersonID) string { return k.prefix + "floodnote:{" + string(p) + "}" }

// Allow counts one message of p. allowed tells whether to answer it;
// notice, when not allowed, whether this is the first refusal since the
// person was last let through (answer with a short notice) or not (stay
// silent). It returns the store's error (wrapped).
func (f *Flood) Allow(ctx context.Context, p msg.PersonID) (allowed, notice bool, err error) {
	res, err := f.limiter.Allow(ctx, f.s.keys.flood(p), f.limit)
	if err != nil {
		return false, false, fmt.Errorf("error counting messages: %w", err)
	}
	if res.Allowed > 0 {
		return true, false, nil
	}
	wait := res.RetryAfter
	if wait < time.Second {
		wait = time.Second
	}
	first, err := f.s.rdb.SetNX(ctx, f.s.keys.floodNote(p), 1, wait).Result()
	if err != nil {
		return false, false, fmt.Errorf("error noting flood notice: %w", err)
	}
	return false, first, nil
}
