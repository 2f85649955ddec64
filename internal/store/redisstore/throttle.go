package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// reserveScript reserves the next slot of a rate shared by every worker:
// the key holds the time (µs, Redis's clock) the next slot opens. A slot
// within ARGV[2] µs is taken and its wait returned; a later one is not
// taken, and the wait is returned for the caller to come back then.
// KEYS: 1 slot key. ARGV: 1 interval µs, 2 longest wait µs.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
local wait = slot - now
if wait > tonumber(ARGV[2]) then return {0, string.format('%d', wait)} end
redis.call('SET', KEYS[1], string.format('%d', slot + tonumber(ARGV[1])), 'PX',
  string.format('%d', math.max(60000, 2 * tonumber(ARGV[1]) / 1000)))
return {1, string.format('%d', wait)}
`)

// Reserve takes a place under a rate of perSecond messages a second shared
// by every worker, keyed by key (a route, a campaign): slots are spaced
// evenly on Redis's clock, none is lost, and each costs one call. When the
// next slot opens within maxWait it is taken and ok is true: send after
// wait. Otherwise nothing is taken, ok is false, and wait says when a slot
// may be free. A rate of zero or less never waits. It returns the store's
// error (wrapped). Keys are prefix + "thr:" + key.
func (s *Store) Reserve(ctx context.Context, key string, perSecond float64, maxWait time.Duration) (wait time.Duration, ok bool, err error) {
	if perSecond <= 0 {
		return 0, true, nil
	}
	interval := int64(1e6 / perSecond)
	v, err := reserveScript.Run(ctx, s.rdb, []string{s.keys.prefix + "thr:" + key}, max(interval, 1), maxWait.Microseconds()).Slice()
	if err != nil {
		return 0, false, fmt.Errorf("error reserving a send slot: %w", err)
	}
	if len(v) != 2 {
		return 0, false, fmt.Errorf("error reserving a send slot: unexpected reply")
	}
	var us int64
	if w, ok := v[1].(string); ok {
		_, _ = fmt.Sscan(w, &us)
	}
	return time.Duration(us) * time.Microsecond, asInt(v[0]) == 1, nil
}
