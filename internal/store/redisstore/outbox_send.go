package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// beginScript decides what to do with an entry a worker read, and marks a
// message it is to send as being sent (st=sending, one more attempt),
// making its record on the first attempt: a worker that finds a message
// already "sending" knows that a previous attempt's outcome is unknown. A
// campaign message is checked at send time: its campaign cancelled (settled)
// or paused (deferred), its person opted out (skipped), quiet hours or a
// conversation of the person's in the last minutes (deferred).
// KEYS: 1 record, 2 stream, 3 optout, 4 stats, 5 campaign (or any key), 6
// campaign stats, 7 delay set.
// ARGV: 1 stream id, 2 group, 3 now ms, 4 lane, 5 prefix, 6 id, 7 person,
// 8 kind, 9 resend unknown, 10 retention ms, 11 campaign id, 12 quiet ("1"),
// 13 quiet ends ms, 14 session guard ms, 15 conversation ttl ms, 16 number,
// 17 text, 18 held until ms (0: not held), 19 the PTTL of the person's
// conversation, read just before (sessionTTLs: it lives in the person's
// slot, apart from the outbox's on a Cluster).
var beginScript = redis.NewScript(`
local camp = ARGV[11]
local function ack()
  redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])
  redis.call('XDEL', KEYS[2], ARGV[1])
end
local function cstat(counter)
  if camp ~= '' then
    redis.call('HINCRBY', KEYS[6], counter, 1)
    redis.call('HINCRBY', KEYS[6], 'pending', -1)
  end
end
local function settle(st, counter, ccounter)
  redis.call('HSET', KEYS[1], 'st', st, 'lane', ARGV[4], 'kind', ARGV[8], 'upd', ARGV[3])
  if camp ~= '' then redis.call('HSET', KEYS[1], 'camp', camp) end
  redis.call('HDEL', KEYS[1], 'p')
  redis.call('PEXPIRE', KEYS[1], ARGV[10])
  if ARGV[7] ~= '' then redis.call('HDEL', ARGV[5] .. 'obp:{g}:' .. ARGV[7], ARGV[6]) end
  redis.call('HINCRBY', KEYS[4], ARGV[4] .. ':queued', -1)
  redis.call('HINCRBY', KEYS[4], ARGV[4] .. ':' .. counter, 1)
  cstat(ccounter)
  ack()
end
local function defer(due, counter)
  redis.call('HSET', KEYS[1], 'st', 'retry', 'lane', ARGV[4], 'kind', ARGV[8], 'p', ARGV[7], 'camp', camp,
    't', ARGV[16], 'x', ARGV[17], 'c', camp, 'r', ARGV[9], 'upd', ARGV[3])
  -- The record (and the person's index of it) outlive the wait.
  local ttl = math.max(tonumber(ARGV[10]), tonumber(due) - tonumber(ARGV[3]) + tonumber(ARGV[10]))
  redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
  if ARGV[7] ~= '' then
    local pk = ARGV[5] .. 'obp:{g}:' .. ARGV[7]
    if redis.call('PTTL', pk) < ttl then redis.call('PEXPIRE', pk, string.format('%d', ttl)) end
  end
  redis.call('ZADD', KEYS[7], due, ARGV[6])
  if camp ~= '' then redis.call('HINCRBY', KEYS[6], counter, 1) end
  ack()
end
-- An entry deleted meanwhile was erased with its person.
if #redis.call('XRANGE', KEYS[2], ARGV[1], ARGV[1]) == 0 then
  redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])
  return {'gone'}
end
local st = redis.call('HGET', KEYS[1], 'st')
if st and st ~= 'queued' and st ~= 'sending' then ack() return {'done'} end
-- A previous attempt's outcome is unknown (its worker died): decided
-- before any hold, which would forget it.
local unknown = '0'
if st == 'sending' then
  unknown = '1'
  redis.call('HINCRBY', KEYS[4], ARGV[4] .. ':unknown', 1)
  if ARGV[4] == 'bulk' and ARGV[9] ~= '1' then
    settle('unknown', 'unknown_settled', 'unknown')
    return {'unknown'}
  end
  redis.call('HINCRBY', KEYS[4], ARGV[4] .. ':resent_unknown', 1)
end
if camp ~= '' then
  local cst = redis.call('HGET', KEYS[5], 'st')
  if cst ~= 'sending' and cst ~= 'paused' then
    settle('cancelled', 'cancelled', 'cancelled')
    return {'cancelled'}
  end
  if cst == 'paused' then
    defer(tonumber(ARGV[3]) + 30000, 'deferred_paused')
    return {'deferred'}
  end
end
if ARGV[8] ~= 'stop_reply' and ARGV[7] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[7]) == 1 then
  settle('skipped', 'skipped', 'skipped')
  return {'optout'}
end
if tonumber(ARGV[18]) > 0 then
  defer(ARGV[18], 'held_rate')
  return {'deferred'}
end
if camp ~= '' and ARGV[12] == '1' then
  defer(ARGV[13], 'deferred_quiet')
  return {'deferred'}
end
if camp ~= '' and tonumber(ARGV[14]) > 0 then
  local ttl = tonumber(ARGV[19])
  local age = tonumber(ARGV[15]) - ttl
  if ttl > 0 and age >= 0 and age < tonumber(ARGV[14]) then
    defer(tonumber(ARGV[3]) + tonumber(ARGV[14]), 'deferred_session')
    return {'deferred'}
  end
end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'st', 'sending', 'lane', ARGV[4], 'kind', ARGV[8], 'p', ARGV[7], 'sid', ARGV[1], 'upd', ARGV[3])
if camp ~= '' then redis.call('HSET', KEYS[1], 'camp', camp) end
redis.call('PEXPIRE', KEYS[1], ARGV[10])
return {'send', tostring(n), unknown}
`)

// finishScript records a send's outcome and acknowledges the entry. A
// message to retry or given up keeps its text in its record, as its entry
// is deleted.
// KEYS: 1 record, 2 stream, 3 stats, 4 optout, 5 delay, 6 dead, 7 provider
// id key. ARGV: 1 stream id, 2 group, 3 result, 4 now ms, 5 provider, 6
// provider id, 7 error, 8 retry at ms, 9 lane, 10 prefix, 11 retention ms,
// 12 id, 13 dead max length, 14 number, 15 text, 16 campaign, 17 resend
// unknown.
var finishScript = redis.NewScript(`
redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
-- Only a message being sent takes an outcome: an erased one is gone, and
-- one settled already (another worker finished it) is not counted twice.
if redis.call('HGET', KEYS[1], 'st') ~= 'sending' then return 0 end
local res, lane = ARGV[3], ARGV[9]
local ttl = tonumber(ARGV[11])
local p = redis.call('HGET', KEYS[1], 'p')
local camp = redis.call('HGET', KEYS[1], 'camp')
local function cstat(counter)
  if camp then
    local k = ARGV[10] .. 'campstat:{g}:' .. camp
    redis.call('HINCRBY', k, counter, 1)
    redis.call('HINCRBY', k, 'pending', -1)
  end
end
local function strip()
  redis.call('HDEL', KEYS[1], 'p')
  if p and p ~= '' then redis.call('HDEL', ARGV[10] .. 'obp:{g}:' .. p, ARGV[12]) end
  redis.call('HINCRBY', KEYS[3], lane .. ':queued', -1)
end
local function keep()
  redis.call('HSET', KEYS[1], 't', ARGV[14], 'x', ARGV[15], 'c', ARGV[16], 'r', ARGV[17])
end
if res == 'sent' then
  redis.call('HSET', KEYS[1], 'st', 'sent', 'pv', ARGV[5], 'pid', ARGV[6], 'upd', ARGV[4])
  strip()
  redis.call('HINCRBY', KEYS[3], lane .. ':sent', 1)
  redis.call('HINCRBY', KEYS[3], 'route|' .. ARGV[5] .. '|sent', 1)
  if ARGV[6] ~= '' then redis.call('SET', KEYS[7], ARGV[12], 'PX', ARGV[11]) end
  cstat('sent')
  if camp and p and p ~= '' then
    -- The campaign's reply window opens: a reply enters its flow.
    local r = redis.call('HMGET', ARGV[10] .. 'camp:{g}:' .. camp, 'rflow', 'rnode', 'rwin')
    if r[1] and r[3] then
      local untilMs = string.format('%d', tonumber(ARGV[4]) + tonumber(r[3]))
      redis.call('SET', ARGV[10] .. 'cr:{g}:' .. p, camp .. '|' .. r[1] .. '|' .. r[2] .. '|' .. untilMs, 'PX', r[3])
    end
  end
elseif res == 'retry' then
  redis.call('HSET', KEYS[1], 'st', 'retry', 'err', ARGV[7], 'upd', ARGV[4])
  keep()
  redis.call('ZADD', KEYS[5], ARGV[8], ARGV[12])
  redis.call('HINCRBY', KEYS[3], lane .. ':retried', 1)
  ttl = math.max(ttl, tonumber(ARGV[8]) - tonumber(ARGV[4]) + tonumber(ARGV[11]))
elseif res == 'dead' then
  redis.call('HSET', KEYS[1], 'st', 'dead', 'err', ARGV[7], 'upd', ARGV[4])
  keep()
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[13], '*', 'i', ARGV[12], 'lane', lane, 'err', ARGV[7])
  redis.call('HINCRBY', KEYS[3], lane .. ':queued', -1)
  redis.call('HINCRBY', KEYS[3], lane .. ':dead', 1)
  redis.call('HINCRBY', KEYS[3], 'route|' .. ARGV[5] .. '|failed', 1)
  cstat('dead')
elseif res == 'optout' then
  redis.call('HSET', KEYS[1], 'st', 'failed', 'err', ARGV[7], 'upd', ARGV[4])
  if p and p ~= '' then redis.call('SADD', KEYS[4], p) end
  strip()
  redis.call('HINCRBY', KEYS[3], lane .. ':failed', 1)
  redis.call('HINCRBY', KEYS[3], 'route|' .. ARGV[5] .. '|failed', 1)
  cstat('failed')
elseif res == 'invalid' then
  redis.call('HSET', KEYS[1], 'st', 'invalid', 'err', ARGV[7], 'upd', ARGV[4])
  strip()
  redis.call('HINCRBY', KEYS[3], lane .. ':invalid_number', 1)
  redis.call('HINCRBY', KEYS[3], 'route|' .. ARGV[5] .. '|failed', 1)
  cstat('failed')
end
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
if p and p ~= '' and (res == 'retry' or res == 'dead') then
  -- The person's index lives as long as the records it points to.
  local pk = ARGV[10] .. 'obp:{g}:' .. p
  if redis.call('PTTL', pk) < ttl then redis.call('PEXPIRE', pk, string.format('%d', ttl)) end
end
return 0
`)

// requeueLua puts a message kept in its record (a retry come due, a dead
// letter staff retry) back in its lane's stream, the text leaving the
// record for the entry. requeue(prefix, id, n) returns false when the
// message was erased or expired.
const requeueLua = `
local function requeue(pfx, id, n)
  local k = pfx .. 'obm:{g}:' .. id
  local r = redis.call('HMGET', k, 'lane', 't', 'x', 'p', 'kind', 'c', 'r')
  if not r[1] or not r[2] then return false end
  local sid = redis.call('XADD', pfx .. 'ob:{g}:' .. r[1], '*', 'i', id, 't', r[2], 'x', r[3],
    'p', r[4] or '', 'k', r[5] or '', 'c', r[6] or '', 'r', r[7] or '')
  redis.call('HDEL', k, 't', 'x', 'c', 'r')
  redis.call('HSET', k, 'st', 'queued', 'sid', sid)
  if n then redis.call('HSET', k, 'n', n) end
  if r[4] and r[4] ~= '' then
    local pk = pfx .. 'obp:{g}:' .. r[4]
    redis.call('HSET', pk, id, r[1] .. ' ' .. sid .. ' ' .. (r[6] or ''))
    local ttl = redis.call('PTTL', k)
    if ttl > 0 and redis.call('PTTL', pk) < ttl then redis.call('PEXPIRE', pk, ttl) end
  end
  return true
end
`

// promoteScript moves the messages whose retry time has come back into
// their lane's stream. KEYS: 1 delay set. ARGV: 1 now ms, 2 limit, 3 prefix.
var promoteScript = redis.NewScript(requeueLua + `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  if redis.call('HGET', ARGV[3] .. 'obm:{g}:' .. id, 'st') == 'retry' then requeue(ARGV[3], id, nil) end
end
return #ids
`)

// OutboxBegin decides, in one round trip, what to do with entries a worker
// read from a lane (see outbox.Decision), checking campaign messages
// against g, and marks those to send as being sent. It returns the store's error (wrapped); entries are then left for
// another attempt.
func (s *Store) OutboxBegin(ctx context.Context, lane msg.Lane, entries []outbox.Entry, now time.Time, g outbox.Guard) ([]outbox.Job, error) {
	stream, nowMs := s.keys.obStream(lane), now.UnixMilli()
	ret := ttlMillis(s.outboxRetention, DefaultOutboxRetention)
	quiet, until := "0", int64(0)
	if g.QuietUntil.After(now) {
		quiet, until = "1", g.QuietUntil.UnixMilli()
	}
	ttls, err := s.sessionTTLs(ctx, entries, g)
	if err != nil {
		return nil, fmt.Errorf("error beginning sends: %w", err)
	}
	calls := make([]scriptCall, len(entries))
	for i, e := range entries {
		m := e.Message
		campKey, campStat := s.keys.obStats(), s.keys.obStats()
		if m.Campaign != "" {
			campKey, campStat = s.keys.camp(m.Campaign), s.keys.campStat(m.Campaign)
		}
		calls[i] = scriptCall{
			keys: []string{s.keys.obMsg(e.MsgID), stream, s.keys.optout(), s.keys.obStats(), campKey, campStat, s.keys.obDelay(lane)},
			args: []any{e.StreamID, group, nowMs, string(lane), s.keys.prefix, e.MsgID,
				string(m.Person), string(m.Kind), ru(m.ResendUnknown), ret, m.Campaign, quiet, until,
				g.SessionGuard.Milliseconds(), g.StateTTL.Milliseconds(), string(m.To), m.Text, holdMillis(e.HoldUntil), ttls[i]},
		}
	}
	res, err := s.runAll(ctx, beginScript, calls)
	if err != nil {
		return nil, fmt.Errorf("error beginning sends: %w", err)
	}
	jobs := make([]outbox.Job, len(entries))
	for i, r := range res {
		v, _ := r.([]any)
		jobs[i] = jobOf(entries[i], lane, v)
	}
	return jobs, nil
}

// sessionTTLs reads the remaining life of each campaign entry's person's
// conversation (0 for the others, or with no session guard), for
// beginScript: one round trip for the batch, only when it holds a campaign
// message. The conversation is in the person's slot, not the outbox's, so
// the script cannot read it on a Cluster; one way for every topology.
func (s *Store) sessionTTLs(ctx context.Context, entries []outbox.Entry, g outbox.Guard) ([]int64, error) {
	out := make([]int64, len(entries))
	if g.SessionGuard <= 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.DurationCmd, len(entries))
	for i, e := range entries {
		if e.Message.Campaign != "" && e.Message.Person != "" {
			conv, _, _ := s.keys.person(e.Message.Person)
			cmds[i] = pipe.PTTL(ctx, conv)
		}
	}
	if pipe.Len() == 0 {
		return out, nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	for i, c := range cmds {
		if c != nil {
			// go-redis reads -1 and -2 (no expiry, no key) as those many
			// nanoseconds; the script wants Redis's -1 and -2.
			if d := c.Val(); d < 0 {
				out[i] = int64(d)
			} else {
				out[i] = d.Milliseconds()
			}
		}
	}
	return out, nil
}

// jobOf reads beginScript's answer.
func jobOf(e outbox.Entry, lane msg.Lane, v []any) outbox.Job {
	j := outbox.Job{Entry: e, Decision: outbox.Gone}
	if len(v) == 0 {
		return j
	}
	d, _ := v[0].(string)
	j.Decision = outbox.Decision(d)
	if j.Decision != outbox.Send || len(v) < 3 {
		return j
	}
	j.Message = e.Message
	j.Message.ID, j.Message.Lane = e.MsgID, lane
	n, _ := v[1].(string)
	j.Attempt, _ = strconv.Atoi(n)
	u, _ := v[2].(string)
	j.Unknown = u == "1"
	return j
}

// ru is the stream and record form of msg.Outbound.ResendUnknown.
func ru(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// OutboxFinish records the outcomes of sends and acknowledges their
// entries, in one round trip. It returns the store's error (wrapped); the
// entries then stay unacknowledged and are claimed again later.
func (s *Store) OutboxFinish(ctx context.Context, lane msg.Lane, outs []outbox.Outcome, now time.Time) error {
	stream, nowMs := s.keys.obStream(lane), now.UnixMilli()
	ret := ttlMillis(s.outboxRetention, DefaultOutboxRetention)
	calls := make([]scriptCall, len(outs))
	for i, o := range outs {
		pidKey := s.keys.obPID(o.Provider, o.ProviderID)
		calls[i] = scriptCall{
			keys: []string{s.keys.obMsg(o.MsgID), stream, s.keys.obStats(), s.keys.optout(), s.keys.obDelay(lane), s.keys.obDead(), pidKey},
			args: []any{o.StreamID, group, string(o.Result), nowMs, o.Provider, o.ProviderID, o.Err,
				o.RetryAt.UnixMilli(), string(lane), s.keys.prefix, ret, o.MsgID, DeadMaxLen,
				string(o.Message.To), o.Message.Text, o.Message.Campaign, ru(o.Message.ResendUnknown)},
		}
	}
	if _, err := s.runAll(ctx, finishScript, calls); err != nil {
		return fmt.Errorf("error finishing sends: %w", err)
	}
	return nil
}

// OutboxPromote moves up to limit messages per lane whose retry time has
// come back into their lane. It returns how many it moved, or the store's
// error (wrapped).
func (s *Store) OutboxPromote(ctx context.Context, now time.Time, limit int) (int, error) {
	n := 0
	for _, l := range msg.Lanes {
		k, err := promoteScript.Run(ctx, s.rdb, []string{s.keys.obDelay(l)}, now.UnixMilli(), limit, s.keys.prefix).Int()
		if err != nil {
			return n, fmt.Errorf("error promoting retries: %w", err)
		}
		n += k
	}
	return n, nil
}

// scriptCall is one call of a script in a pipeline.
type scriptCall struct {
	keys []string
	args []any
}

// runAll runs a script once per call in one pipeline and returns each
// call's answer. A server that lost the script (restart, failover) gets it
// loaded once more, and the calls it refused are sent again: a refused call
// ran nothing. Any other error of any call is returned.
func (s *Store) runAll(ctx context.Context, sc *redis.Script, calls []scriptCall) ([]any, error) {
	out := make([]any, len(calls))
	todo := make([]int, len(calls))
	for i := range todo {
		todo[i] = i
	}
	for attempt := 0; attempt < 2 && len(todo) > 0; attempt++ {
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(todo))
		for j, i := range todo {
			cmds[j] = sc.EvalSha(ctx, pipe, calls[i].keys, calls[i].args...)
		}
		_, _ = pipe.Exec(ctx)
		var again []int
		for j, c := range cmds {
			v, err := c.Result()
			switch {
			case err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT"):
				again = append(again, todo[j])
			case err != nil && !errors.Is(err, redis.Nil):
				return nil, err
			default:
				out[todo[j]] = v
			}
		}
		if len(again) > 0 {
			if err := sc.Load(ctx, s.rdb).Err(); err != nil {
				return nil, fmt.Errorf("error loading script: %w", err)
			}
		}
		todo = again
	}
	if len(todo) > 0 {
		return nil, errors.New("script still missing after loading it")
	}
	return out, nil
}

// holdMillis is the Begin form of Entry.HoldUntil: 0 when not held.
func holdMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
