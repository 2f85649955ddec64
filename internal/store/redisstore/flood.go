package redisstore

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// The flood limit counts how many messages one person may send in a period
// with GCRA, as github.com/go-redis/redis_rate did before it was folded into
// the hop (same key, same stored value, burst equal to the limit). Past the
// limit the person gets one notice, then silence until the limit lets them
// through again.
//
// The hop's load reads the stored state and Redis's clock (TIME) with its
// other reads, in the same round trip; the gateway decides; an allowed
// message's new state (msg.FloodMark) is written by the hop's commit, under
// its compare-and-set, so that it counts once, when the hop happens, and
// two messages of one person at once are counted one after the other (the
// second's commit fails, and its new load reads the first's count). A
// refused message costs one more round trip, for the notice.
//
// Keys: "rate:" + prefix + "flood:{p}" (the theoretical arrival time, in
// seconds since 2017-01-01) and prefix + "floodnote:{p}" (the notice was
// given; it lasts until the next message would be let through).
func (k keyspace) flood(p msg.PersonID) string {
	return "rate:" + k.prefix + "flood:{" + string(p) + "}"
}
func (k keyspace) floodNote(p msg.PersonID) string { return k.prefix + "floodnote:{" + string(p) + "}" }

// floodEpoch is the origin of the stored arrival time (redis_rate's).
const floodEpoch = 1483228800

// floodCheck decides one message under the limit r at Redis's time now,
// the stored state being tat ("" for none). An allowed message returns the
// state its commit writes; a refused one how long until the next message
// would be let through (at least a second), for the notice's expiry.
func floodCheck(r msg.Rate, now time.Time, tat string) (mark msg.FloodMark, wait time.Duration, ok bool) {
	period := r.Period.Seconds()
	interval := period / float64(r.Limit)
	t := float64(now.Unix()-floodEpoch) + float64(now.Nanosecond())/1e9
	last, err := strconv.ParseFloat(tat, 64)
	if err != nil || math.IsNaN(last) || math.IsInf(last, 0) {
		last = t
	}
	next := max(last, t) + interval
	if diff := t - (next - period); diff < 0 {
		return msg.FloodMark{}, max(time.Second, time.Duration(math.Ceil(-diff*1000))*time.Millisecond), false
	}
	ttl := time.Duration(math.Ceil(next-t)) * time.Second
	return msg.FloodMark{Value: strconv.FormatFloat(next, 'f', -1, 64), TTL: max(ttl, time.Second)}, 0, true
}

// floodNotice records that a refused person got the notice, until wait has
// passed; it tells whether this refusal is the one to give it.
func (s *Store) floodNotice(ctx context.Context, p msg.PersonID, wait time.Duration) (bool, error) {
	first, err := s.rdb.SetNX(ctx, s.keys.floodNote(p), "1", wait).Result()
	if err != nil {
		return false, fmt.Errorf("error noting the flood notice: %w", err)
	}
	return first, nil
}
