package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// quotaScript counts one use in a window and refuses past the limit. The
// person's counters are fields of one hash, quota:{p}, so that erasure
// removes them with one key; the hash lives until the latest window ends.
// KEYS: 1 quota hash. ARGV: 1 field, 2 limit, 3 ms until the window ends.
// (A relative expiry: the caller's clock need not be Redis's.)
var quotaScript = redis.NewScript(`
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local t = redis.call('PTTL', KEYS[1])
if t < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if n > tonumber(ARGV[2]) then return 0 end
return 1
`)

// Take counts one use of a named quota by a person in the window that
// contains now (windows are aligned: a day runs from midnight UTC) and tells
// whether it is within limit. It returns the store's error (wrapped).
func (s *Store) Take(ctx context.Context, p msg.PersonID, name string, limit int, window time.Duration, now time.Time) (bool, error) {
	slot := now.UnixMilli() / window.Milliseconds()
	field := name + ":" + strconv.FormatInt(slot, 10)
	left := (slot+1)*window.Milliseconds() - now.UnixMilli()
	n, err := quotaScript.Run(ctx, s.rdb, []string{s.keys.quota(p)}, field, limit, left).Int()
	if err != nil {
		return false, fmt.Errorf("error counting quota %s: %w", name, err)
	}
	return n == 1, nil
}

func (k keyspace) quota(p msg.PersonID) string { return k.prefix + "quota:{" + string(p) + "}" }
