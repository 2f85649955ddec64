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

// reportScript records a delivery report on a message's record, in a field
// of its own (dst): the outbox's own state (st) is never touched, so a
// report arriving before the worker recorded its send changes nothing of the
// send. A change of delivery state counts once (a report posted twice
// counts once), and a report going back (queued or sent after delivered or
// failed) is kept as it is not. A report for a message we have no record of
// is kept in a record of its own.
// KEYS: 1 record, 2 stats. ARGV: 1 state, 2 code, 3 provider, 4 provider id,
// 5 now ms, 6 retention ms, 7 prefix (a campaign message's counters).
var reportScript = redis.NewScript(`
local o = redis.call('HMGET', KEYS[1], 'dst', 'lane', 'camp', 'pv', 'st')
local final = {delivered = true, failed = true, undelivered = true}
if o[1] and final[o[1]] and not final[ARGV[1]] then return 0 end
redis.call('HSET', KEYS[1], 'dst', ARGV[1], 'code', ARGV[2], 'dupd', ARGV[5])
if ARGV[3] ~= '' and not o[4] then redis.call('HSET', KEYS[1], 'pv', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'pid', ARGV[4]) end
if not o[2] then
  if not o[5] then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
  return 0
end
if o[1] ~= ARGV[1] and final[ARGV[1]] then
  redis.call('HINCRBY', KEYS[2], o[2] .. ':' .. ARGV[1], 1)
  if o[3] then redis.call('HINCRBY', ARGV[7] .. 'campstat:{g}:' .. o[3], ARGV[1], 1) end
  local pv = ARGV[3] ~= '' and ARGV[3] or o[4]
  if pv then redis.call('HINCRBY', KEYS[2], 'route|' .. pv .. '|' .. ARGV[1], 1) end
end
return 0
`)

// RecordStatus records a delivery report on the message it is about: the
// one whose provider id it carries, else the one named by st.ID (ours, as
// Twilio's callbacks carry it). A report for a message we have no record of
// is kept too. Opting the recipient out on a "blocked" code is the
// caller's: the report names the number. It returns the store's error
// (wrapped).
func (s *Store) RecordStatus(ctx context.Context, st msg.Status) error {
	id := st.ID
	if st.Provider != "" && st.ProviderID != "" {
		ours, err := s.rdb.Get(ctx, s.keys.obPID(st.Provider, st.ProviderID)).Result()
		switch {
		case err == nil:
			id = ours
		case !errors.Is(err, redis.Nil):
			return fmt.Errorf("error recording status: %w", err)
		}
	}
	if id == "" {
		return errors.New("error recording status: no message id")
	}
	err := reportScript.Run(ctx, s.rdb, []string{s.keys.obMsg(id), s.keys.obStats()}, string(st.State), st.Code,
		st.Provider, st.ProviderID, st.At.UnixMilli(), ttlMillis(s.outboxRetention, DefaultOutboxRetention), s.keys.prefix).Err()
	if err != nil {
		return fmt.Errorf("error recording status: %w", err)
	}
	return nil
}

// Status returns where our message id stands, or msg.ErrNotFound. It
// returns the store's error (wrapped).
func (s *Store) Status(ctx context.Context, id string) (msg.Status, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.obMsg(id)).Result()
	if err != nil {
		return msg.Status{}, fmt.Errorf("error reading status: %w", err)
	}
	if len(h) == 0 {
		return msg.Status{}, fmt.Errorf("error reading status %s: %w", id, msg.ErrNotFound)
	}
	// The provider's delivery state when it reported one, else the
	// outbox's own (sent, retry, dead, …).
	state, at := h["dst"], h["dupd"]
	if state == "" {
		state, at = h["st"], h["upd"]
	}
	ms, _ := strconv.ParseInt(at, 10, 64)
	return msg.Status{ID: id, Provider: h["pv"], ProviderID: h["pid"], State: msg.DeliveryState(state), Code: h["code"],
		At: time.UnixMilli(ms).UTC()}, nil
}

// SetOptOut records that a person wants no information message (out) or
// wants them again. It returns the store's error (wrapped).
func (s *Store) SetOptOut(ctx context.Context, p msg.PersonID, out bool) error {
	var err error
	if out {
		err = s.rdb.SAdd(ctx, s.keys.optout(), string(p)).Err()
	} else {
		err = s.rdb.SRem(ctx, s.keys.optout(), string(p)).Err()
	}
	if err != nil {
		return fmt.Errorf("error setting opt-out: %w", err)
	}
	return nil
}

// OptedOut tells whether a person opted out. It returns the store's error
// (wrapped).
func (s *Store) OptedOut(ctx context.Context, p msg.PersonID) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, s.keys.optout(), string(p)).Result()
	if err != nil {
		return false, fmt.Errorf("error reading opt-out: %w", err)
	}
	return ok, nil
}

// OutboxStats returns where each lane stands and up to deadLimit dead
// letters, newest first, in two round trips. It returns the store's error
// (wrapped).
func (s *Store) OutboxStats(ctx context.Context, now time.Time, deadLimit int) (outbox.Stats, error) {
	type laneCmds struct {
		xlen, delay *redis.IntCmd
		pending     *redis.XPendingCmd
		first       *redis.XMessageSliceCmd
	}
	cmds := map[msg.Lane]*laneCmds{}
	var counters *redis.MapStringStringCmd
	var dead *redis.XMessageSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		counters = pipe.HGetAll(ctx, s.keys.obStats())
		for _, l := range msg.Lanes {
			stream := s.keys.obStream(l)
			cmds[l] = &laneCmds{
				xlen: pipe.XLen(ctx, stream), delay: pipe.ZCard(ctx, s.keys.obDelay(l)),
				pending: pipe.XPending(ctx, stream, group), first: pipe.XRangeN(ctx, stream, "-", "+", 1),
			}
		}
		if deadLimit > 0 {
			dead = pipe.XRevRangeN(ctx, s.keys.obDead(), "+", "-", int64(deadLimit))
		}
		return nil
	})
	// XPENDING answers an error when the group does not exist yet.
	if err != nil && !isNoGroup(err) {
		return outbox.Stats{}, fmt.Errorf("error reading outbox stats: %w", err)
	}
	c := counters.Val()
	get := func(l msg.Lane, name string) int64 {
		n, _ := strconv.ParseInt(c[string(l)+":"+name], 10, 64)
		return n
	}
	st := outbox.Stats{Lanes: map[msg.Lane]outbox.LaneStats{}}
	for _, l := range msg.Lanes {
		lc := cmds[l]
		ls := outbox.LaneStats{
			Queued: get(l, "queued"), Retrying: lc.delay.Val(),
			Sent: get(l, "sent"), Delivered: get(l, "delivered"), Failed: get(l, "failed"), Undelivered: get(l, "undelivered"),
			Unknown: get(l, "unknown"), Resent: get(l, "resent_unknown"), Skipped: get(l, "skipped"),
			Invalid: get(l, "invalid_number"), Erased: get(l, "erased"), Dead: get(l, "dead"),
		}
		if p, err := lc.pending.Result(); err == nil && p != nil {
			ls.InFlight = p.Count
		}
		ls.Waiting = max(lc.xlen.Val()-ls.InFlight, 0)
		if f := lc.first.Val(); len(f) == 1 {
			if ms, ok := streamMillis(f[0].ID); ok {
				ls.OldestAge = max(now.Sub(time.UnixMilli(ms)), 0)
			}
		}
		st.Lanes[l] = ls
	}
	if dead != nil {
		st.Dead, err = s.deadLetters(ctx, dead.Val())
		if err != nil {
			return outbox.Stats{}, err
		}
	}
	return st, nil
}

// deadLetters reads the records of dead-letter entries.
func (s *Store) deadLetters(ctx context.Context, entries []redis.XMessage) ([]outbox.DeadLetter, error) {
	recs := make([]*redis.SliceCmd, len(entries))
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, e := range entries {
			id, _ := e.Values["i"].(string)
			recs[i] = pipe.HMGet(ctx, s.keys.obMsg(id), "kind", "n", "st")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error reading dead letters: %w", err)
	}
	out := make([]outbox.DeadLetter, 0, len(entries))
	for i, e := range entries {
		v := recs[i].Val()
		if len(v) != 3 || v[2] != "dead" {
			continue // retried, erased or expired since
		}
		id, _ := e.Values["i"].(string)
		lane, _ := e.Values["lane"].(string)
		errText, _ := e.Values["err"].(string)
		kind, _ := v[0].(string)
		n, _ := v[1].(string)
		d := outbox.DeadLetter{ID: id, Lane: msg.Lane(lane), Kind: msg.Kind(kind), Err: errText}
		d.Attempts, _ = strconv.Atoi(n)
		if ms, ok := streamMillis(e.ID); ok {
			d.At = time.UnixMilli(ms).UTC()
		}
		out = append(out, d)
	}
	return out, nil
}

// retryDeadScript puts dead letters back in their lane with their attempts
// reset. KEYS: 1 dead stream, 2 stats. ARGV: 1 prefix, 2 limit.
var retryDeadScript = redis.NewScript(requeueLua + `
local es = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[2])
local n = 0
for _, e in ipairs(es) do
  local f = e[2]
  local id, lane
  for i = 1, #f, 2 do
    if f[i] == 'i' then id = f[i + 1] elseif f[i] == 'lane' then lane = f[i + 1] end
  end
  local r = {false, false}
  if id then r = redis.call('HMGET', ARGV[1] .. 'obm:{g}:' .. id, 'st', 'camp') end
  -- A campaign's dead letter goes back only while its campaign sends
  -- (or is paused), and its campaign waits for it again.
  local cst = r[2] and redis.call('HGET', ARGV[1] .. 'camp:{g}:' .. r[2], 'st')
  local open = not r[2] or cst == 'sending' or cst == 'paused'
  if id and lane and r[1] == 'dead' and open then
    redis.call('XDEL', KEYS[1], e[1])
    if requeue(ARGV[1], id, '0') then
      redis.call('HINCRBY', KEYS[2], lane .. ':dead', -1)
      redis.call('HINCRBY', KEYS[2], lane .. ':queued', 1)
      if r[2] then
        local cs = ARGV[1] .. 'campstat:{g}:' .. r[2]
        redis.call('HINCRBY', cs, 'pending', 1)
        redis.call('HINCRBY', cs, 'dead', -1)
      end
      n = n + 1
    end
  elseif r[1] ~= 'dead' then
    redis.call('XDEL', KEYS[1], e[1]) -- erased, expired or retried since
  end
end
return n
`)

// OutboxRetryDead puts up to limit dead letters, oldest first, back in
// their lane with their attempts reset, and returns how many. Dead letters
// whose message was erased or expired are dropped. It returns the store's
// error (wrapped).
func (s *Store) OutboxRetryDead(ctx context.Context, limit int) (int, error) {
	n, err := retryDeadScript.Run(ctx, s.rdb, []string{s.keys.obDead(), s.keys.obStats()}, s.keys.prefix, limit).Int()
	if err != nil {
		return 0, fmt.Errorf("error retrying dead letters: %w", err)
	}
	return n, nil
}

// streamMillis reads the milliseconds of a stream entry id.
func streamMillis(id string) (int64, bool) {
	ms, _, ok := strings.Cut(id, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	return n, err == nil
}

// isNoGroup tells whether err says a stream or group does not exist.
func isNoGroup(err error) bool {
	return err != nil && (errors.Is(err, redis.Nil) || strings.Contains(err.Error(), "NOGROUP") || strings.Contains(err.Error(), "no such key"))
}
