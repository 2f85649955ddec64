package redisstore

import (
	"strconv"

	"github.com/passerelle/passerelle/internal/msg"
)

// The flood limit counts how many messages one person may send in a period
// with GCRA, as github.com/go-redis/redis_rate did before it was folded into
// the hop's load (same key, same stored value, burst equal to the limit).
// Past the limit the person gets one notice, then silence until the limit
// lets them through again.
//
// Keys: "rate:" + prefix + "flood:{p}" (the theoretical arrival time, in
// seconds since 2017-01-01) and prefix + "floodnote:{p}" (the notice was
// given; it lasts until the next message would be let through).
func (k keyspace) flood(p msg.PersonID) string {
	return "rate:" + k.prefix + "flood:{" + string(p) + "}"
}
func (k keyspace) floodNote(p msg.PersonID) string { return k.prefix + "floodnote:{" + string(p) + "}" }

// floodLua counts one message against the limit ARGV[3] per ARGV[4]
// seconds on KEYS[5] and returns 0 when it is allowed, 1 when it is refused
// and the notice was not given yet (it now is, on KEYS[6]), 2 when refused
// in silence. It reads Redis's clock: the script replicates its effects.
const floodLua = `
local function flood()
  local limit, period = tonumber(ARGV[3]), tonumber(ARGV[4])
  local interval = period / limit
  local t = redis.call('TIME')
  local now = (t[1] - 1483228800) + (t[2] / 1000000)
  local tat = tonumber(redis.call('GET', KEYS[5]) or '') or now
  tat = math.max(tat, now)
  local new_tat = tat + interval
  local diff = now - (new_tat - period)
  if diff < 0 then
    local wait = math.max(1000, math.ceil(-diff * 1000))
    if redis.call('SET', KEYS[6], '1', 'NX', 'PX', wait) then return 1 end
    return 2
  end
  redis.call('SET', KEYS[5], new_tat, 'EX', math.ceil(new_tat - now))
  return 0
end
`

// floodArgs are ARGV 3 and 4 of the load script for r.
func floodArgs(r msg.Rate) (limit, period string) {
	return strconv.Itoa(r.Limit), strconv.FormatFloat(r.Period.Seconds(), 'f', -1, 64)
}
