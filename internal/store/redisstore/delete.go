package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// eraseLua is the Lua function, shared by the commit and the staff erasure,
// that erases everything stored about a person but their opt-out: the
// conversation, remembered language, cached replies, quotas, flood
// counters, registration and its index entries, call-back requests and the
// messages queued for them, their subscription and what campaigns hold of
// them. Key names are derived from the prefix; on one
// node or behind Sentinel the whole erasure is one atomic step.
//
// erase(prefix, person) returns {keys deleted, registration ref or ”,
// call-backs, messages}. It is erase_own (the keys in the person's slot)
// then erase_shared (those tagged {g}), which the split commit runs apart.
const eraseLua = `
local function erase_own(pfx, p)
  local t = '{' .. p .. '}'
  return redis.call('DEL', pfx .. 'conv:' .. t, pfx .. 'person:' .. t, pfx .. 'dd:' .. t,
    pfx .. 'quota:' .. t, 'rate:' .. pfx .. 'flood:' .. t, pfx .. 'floodnote:' .. t)
end
local function erase_shared(pfx, p)
  local n = 0
  local regs = pfx .. 'regs:{g}'
  local regp = pfx .. 'regp:{g}'
  local ref = redis.call('HGET', regp, p)
  if ref then
    unindex(pfx .. 'reg:{g}:', pfx .. 'idx:{g}:', regs, ref, p)
    redis.call('HDEL', regp, p)
  end
  local cbp, cbs = pfx .. 'cbp:{g}', 0
  local refs = redis.call('HGET', cbp, p)
  if refs then
    for r in string.gmatch(refs, '%S+') do
      cbs = cbs + redis.call('DEL', pfx .. 'cb:{g}:' .. r)
      redis.call('ZREM', pfx .. 'cbopen:{g}', r)
      redis.call('ZREM', pfx .. 'cball:{g}', r)
    end
    redis.call('HDEL', cbp, p)
  end
  local g = '{g}:' .. p
  local obp, msgs = pfx .. 'obp:' .. g, 0
  local stats = pfx .. 'obstats:{g}'
  local q = redis.call('HGETALL', obp)
  for i = 1, #q, 2 do
    local id = q[i]
    local lane, sid, camp = string.match(q[i + 1], '^(%S+) (%S+) ?(%S*)$')
    local k = pfx .. 'obm:{g}:' .. id
    local st = redis.call('HGET', k, 'st')
    if lane then
      redis.call('XDEL', pfx .. 'ob:{g}:' .. lane, sid)
      if st == 'dead' then
        redis.call('HINCRBY', stats, lane .. ':dead', -1)
      else
        redis.call('HINCRBY', stats, lane .. ':queued', -1)
        if camp and camp ~= '' then
          -- The campaign no longer waits for it.
          local cs = pfx .. 'campstat:{g}:' .. camp
          redis.call('HINCRBY', cs, 'pending', -1)
          redis.call('HINCRBY', cs, 'erased', 1)
        end
      end
      redis.call('HINCRBY', stats, lane .. ':erased', 1)
    end
    redis.call('DEL', k)
    msgs = msgs + 1
  end
  redis.call('DEL', obp)
  -- Campaigns: the subscription, the open reply window, each campaign's
  -- record of having queued them and their replies.
  redis.call('HDEL', pfx .. 'sub:{g}', p)
  n = n + redis.call('DEL', pfx .. 'cr:' .. g, pfx .. 'crp:' .. g)
  for _, id in ipairs(redis.call('ZRANGE', pfx .. 'camps:{g}', 0, -1)) do
    redis.call('HDEL', pfx .. 'camprc:{g}:' .. id, p)
    redis.call('HDEL', pfx .. 'camprsp:{g}:' .. id, p)
  end
  return {n, ref or '', cbs, msgs}
end
local function erase(pfx, p)
  local n = erase_own(pfx, p)
  local r = erase_shared(pfx, p)
  r[1] = r[1] + n
  return r
end
`

// eraseScript erases a person for staff and writes the audit entry in the
// same step. KEYS: 1 audit stream. ARGV: 1 prefix, 2 person, 3 who, 4 when,
// 5 audit max length.
var eraseScript = redis.NewScript(unindexLua + eraseLua + `
local r = erase(ARGV[1], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], '*', 'who', ARGV[3], 'at', ARGV[4],
    'action', 'erase_person', 'person', ARGV[2])
end
return r
`)

// AuditMaxLen caps the audit stream (approximately).
const AuditMaxLen = 100000

func (k keyspace) audit() string { return k.prefix + "audit:{g}" }

// ErasePerson erases, in one atomic step, everything stored about a person
// but their entry in the opt-out set (so that STOP still holds): see
// eraseLua. Entries already in the registration stream (ref, lang, region,
// situation, sector, created; no name, phone or person) are kept until the
// stream is trimmed. When who is not empty, an audit entry (who, when,
// "erase_person", the keyed hash; never the number) is written in the same
// step. Erasing a person with nothing stored is not an error. It returns the
// store's error (wrapped).
func (s *Store) ErasePerson(ctx context.Context, p msg.PersonID, who string, at time.Time) (msg.Erased, error) {
	if s.split {
		return s.eraseSplit(ctx, p, who, at)
	}
	v, err := eraseScript.Run(ctx, s.rdb, []string{s.keys.audit()}, s.keys.prefix, string(p), who,
		at.UTC().Format(time.RFC3339), AuditMaxLen).Slice()
	if err != nil {
		return msg.Erased{}, fmt.Errorf("error erasing person: %w", err)
	}
	if len(v) != 4 {
		return msg.Erased{}, fmt.Errorf("error erasing person: unexpected reply")
	}
	ref, _ := v[1].(string)
	return msg.Erased{Keys: int(asInt(v[0])), Registration: ref, Callbacks: int(asInt(v[2])), Messages: int(asInt(v[3]))}, nil
}

// DeletePerson erases a person as ErasePerson does, without an audit entry.
// It returns the store's error (wrapped).
func (s *Store) DeletePerson(ctx context.Context, p msg.PersonID) error {
	_, err := s.ErasePerson(ctx, p, "", time.Now())
	return err
}
