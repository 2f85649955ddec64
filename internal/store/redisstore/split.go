package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// The split commit, for Redis Cluster, where a person's keys ({<person>})
// and the shared keys ({g}) live in different slots and no script may
// touch both.
//
// A hop is committed by one script in the person's slot (personScript):
// the compare-and-set, the state, the cached reply, the quota and, when the
// hop has shared effects, an entry appended to the person's effects log
//
//	fx:{p}    list of "<seq> <effects as JSON>", oldest first
//	fxn:{p}   the person's last seq (a counter, kept FXTTL + a day)
//	fxa:{g}:<p>  the last seq applied to the shared keys (kept FXTTL)
//
// all or nothing, exactly as the one-script commit does on one node. The
// script answers with the whole log, and applyScript then carries every
// entry out in the shared slot, in order, skipping those at or below
// fxa:{g}:<p>: an entry is applied once however many times it is handed
// over. forgetScript then drops the applied entries from the log. A
// gateway that dies between the steps leaves entries in the log; the
// person's next hop hands them over with its own, and RepairEffects (run
// every 5 minutes by a gateway or worker) finds the rest. So a
// registration is never half-indexed for longer than that: its person's
// state and its effects were written together, and the effects are applied
// in one atomic script.
//
// The entry's seq, not its content, makes it applied once. A seq is at
// least Redis's clock in microseconds and above the last one (fxn:{p}), so
// it never goes back, even when the counter expired; and the marker moves
// with each entry applied, so an entry is never applied twice, even when a
// later one fails.

// FXTTL is how long the applied-seq marker of a person is kept after their
// last shared effect. An entry left in a log is applied within a minute by
// RepairEffects; the marker must outlive that by far.
const FXTTL = 7 * 24 * time.Hour

// After an erasure, the applied marker and the seq are kept only this long
// (ms): long enough for an effect handed over late to be recognised.
const (
	erasedMarkerMillis = 3600000
	erasedSeqMillis    = 7200000
)

var (
	fxTTLMillis  = FXTTL.Milliseconds()
	fxnTTLMillis = (FXTTL + 24*time.Hour).Milliseconds()
)

func (k keyspace) fxLog(p msg.PersonID) string     { return k.prefix + "fx:{" + string(p) + "}" }
func (k keyspace) fxSeq(p msg.PersonID) string     { return k.prefix + "fxn:{" + string(p) + "}" }
func (k keyspace) fxApplied(p msg.PersonID) string { return k.prefix + "fxa:{g}:" + string(p) }

// personScript commits a hop in the person's slot. KEYS: 1 conv, 2 person,
// 3 dd, 4 fx log, 5 fx seq. ARGV 1–10 as hopScript's, then 11 the entry
// (effects JSON) or "", 12 prefix, 13 person, 14 "1" to erase the person's
// keys instead of writing the state, 15 "1" to check the version (a staff
// erasure does not), 16 the seq's ttl ms, 17 the quota ({q, qttl} JSON) or
// "", 18–19 the flood mark and its ttl ms (or none). It returns {1} on a
// conflict, or {0, keys erased, the log}.
var personScript = redis.NewScript(unindexLua + eraseLua + enqueueLua + hopLua + effectsLua + `
if ARGV[15] == '1' and stored_version(redis.pcall('GET', KEYS[1])) ~= ARGV[1] then return {1} end
fx_init(ARGV[12], ARGV[13])
local n = 0
if ARGV[14] == '1' then
  n = erase_own(ARGV[12], ARGV[13])
else
  write_state(ARGV[18], ARGV[19])
  if ARGV[17] ~= '' then write_quota(cjson.decode(ARGV[17])) end
end
if ARGV[11] ~= '' then
  -- The seq never goes back, even once the counter expired: it is at least
  -- Redis's clock in microseconds (exact in a Lua number until 2255).
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local seq = math.max((tonumber(redis.call('GET', KEYS[5]) or '0') or 0) + 1, now)
  local s = string.format('%.0f', seq)
  -- After an erasure the counter outlives the applied marker (an hour) by
  -- an hour, then goes: nothing named by the person stays long.
  redis.call('SET', KEYS[5], s, 'PX', ARGV[14] == '1' and ` + strconv.Itoa(erasedSeqMillis) + ` or ARGV[16])
  redis.call('RPUSH', KEYS[4], s .. ' ' .. ARGV[11])
end
return {0, n, redis.call('LRANGE', KEYS[4], 0, -1)}
`)

// applyScript carries out a person's logged effects in the shared slot.
// KEYS: 1 the applied-seq marker. ARGV: 1 prefix, 2 person, 3 marker ttl
// ms, 4 audit max length, 5… the log's entries, oldest first. Each entry applied moves the marker
// at once, so that an error further on never has it applied again. A
// registration or call-back whose reference another person took since the
// hop checked it is not written (the owner keeps it), and a refused
// registration's messages (its confirmation) are not queued. An entry that
// fails for a reason that will not pass (a key of the wrong type, a
// malformed entry) is parked in fxdead:{g} (person, seq, error: no data)
// and passed over, so that it blocks neither the person's later effects
// nor anyone else's; a passing failure (memory, a slot on the move) stops
// the script, for a later hand-over. It returns {entries applied,
// references refused, entries parked, the last erasure's {keys, ref,
// call-backs, messages} or {}}.
var applyScript = redis.NewScript(unindexLua + eraseLua + enqueueLua + effectsLua + `
local pfx, p = ARGV[1], ARGV[2]
fx_init(pfx, p)
local done = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local applied, refused, parked, erased = 0, 0, 0, {}
local passing = {'OOM', 'MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN', 'LOADING', 'BUSY', 'READONLY', 'MASTERDOWN'}
local function message(e)
  if type(e) == 'table' then return tostring(e.err) end
  return tostring(e)
end
local function apply_one(fx)
  if fx.reg then
    local owner = redis.call('HGET', pfx .. 'reg:{g}:' .. fx.reg.ref, 'person')
    if owner and owner ~= p then fx.reg = nil; fx.msgs = nil; refused = refused + 1 end
  end
  if fx.cbs then
    local keep = {}
    for _, cb in ipairs(fx.cbs) do
      if redis.call('EXISTS', pfx .. 'cb:{g}:' .. cb.ref) == 1 then refused = refused + 1 else keep[#keep + 1] = cb end
    end
    fx.cbs = keep
  end
  if fx.erase then
    erased = erase_shared(pfx, p)
    if fx.who and fx.who ~= '' then
      redis.call('XADD', pfx .. 'audit:{g}', 'MAXLEN', '~', ARGV[4], '*', 'who', fx.who, 'at', fx.at,
        'action', 'erase_person', 'person', p)
    end
  end
  apply_shared(fx)
end
for i = 5, #ARGV do
  local sp = string.find(ARGV[i], ' ', 1, true)
  local seq = sp and tonumber(string.sub(ARGV[i], 1, sp - 1))
  if seq and seq > done then
    local ok, fx = pcall(cjson.decode, string.sub(ARGV[i], sp + 1))
    local err = fx
    if ok then ok, err = pcall(apply_one, fx) end
    if not ok then
      local m = message(err)
      for _, w in ipairs(passing) do
        if string.find(m, w, 1, true) then return redis.error_reply(m) end
      end
      redis.call('XADD', pfx .. 'fxdead:{g}', 'MAXLEN', '~', '10000', '*', 'person', p, 'seq', string.format('%.0f', seq),
        'err', string.sub(m, 1, 200))
      parked = parked + 1
    else
      applied = applied + 1
    end
    done = seq
    redis.call('SET', KEYS[1], string.format('%.0f', done), 'PX', (ok and fx.erase) and ` + strconv.Itoa(erasedMarkerMillis) + ` or ARGV[3])
  end
end
return {applied, refused, parked, erased}
`)

// forgetScript drops applied entries from a person's log. KEYS: 1 the log.
// ARGV: the entries.
var forgetScript = redis.NewScript(`
for i = 1, #ARGV do redis.call('LREM', KEYS[1], 1, ARGV[i]) end
return 0
`)

// WithSplitCommit makes the store commit as it must on Redis Cluster (see
// split.go) even on one node; Open turns it on for a Cluster. It returns s.
func (s *Store) WithSplitCommit(on bool) *Store {
	s.split = on
	return s
}

// SplitCommit tells whether the store commits as on Redis Cluster. Such a
// hop costs one round trip more than on one node when it has effects
// beyond its person (their application), and one more again to drop the
// applied entries from the person's log.
func (s *Store) SplitCommit() bool { return s.split }

// WithLog sets where the store reports what it carries on with after a
// failure (a logged effect it could not apply at once). It returns s.
func (s *Store) WithLog(log *slog.Logger) *Store {
	s.log = log
	return s
}

// commitSplit is Commit on Redis Cluster: the person's script, then their
// logged effects applied in the shared slot. Once the person's script has
// committed, the hop has happened: a failure to apply its effects is
// logged, not returned, and the log keeps them for the next hop or
// RepairEffects.
func (s *Store) commitSplit(ctx context.Context, p msg.PersonID, c msg.Change) error {
	res, err := s.commitPerson(ctx, p, c)
	if err != nil {
		return err
	}
	s.funnel.add(c.Reached, c.Abandoned)
	if _, err := s.applyLog(ctx, p, res.log); err != nil {
		s.logger().Warn("effects committed, not yet applied: left for the next hop or the repair", "err", err)
	}
	return nil
}

// commitPerson is the first step of commitSplit: the person's script.
func (s *Store) commitPerson(ctx context.Context, p msg.PersonID, c msg.Change) (personResult, error) {
	conv, person, dd := s.keys.person(p)
	args := commitArgs(c)
	entry, quota, erase := "", "", ""
	if c.Registration != nil || !c.Effects.Empty() {
		a, err := s.effectsOf(p, c, time.Now())
		if err != nil {
			return personResult{}, err
		}
		if err := s.checkRefs(ctx, p, a); err != nil {
			return personResult{}, err
		}
		if len(a.Quota) > 0 && !a.Erase {
			if quota, err = jsonString(fxArg{Quota: a.Quota, QTTL: a.QTTL}); err != nil {
				return personResult{}, err
			}
		}
		a.Quota, a.QTTL = nil, ""
		if a.shared() {
			if entry, err = jsonString(a); err != nil {
				return personResult{}, err
			}
		}
		if a.Erase {
			erase = "1"
		}
	}
	args = append(args, entry, s.keys.prefix, string(p), erase, "1", fxnTTLMillis, quota)
	if c.FloodMark.Value != "" && erase == "" {
		args = append(args, c.FloodMark.Value, ttlMillis(c.FloodMark.TTL, time.Second))
	}
	res, err := s.runPerson(ctx, p, conv, person, dd, args)
	if err != nil {
		return res, fmt.Errorf("error committing conversation: %w", err)
	}
	if res.conflict {
		return res, fmt.Errorf("error committing conversation: %w", msg.ErrConflict)
	}
	return res, nil
}

// checkRefs refuses a registration or call-back whose reference belongs to
// another (msg.ErrRefTaken, wrapped), as commitScript does in its one step.
// It costs a round trip only for a hop that saves one.
func (s *Store) checkRefs(ctx context.Context, p msg.PersonID, a *fxArg) error {
	if a.Reg == nil && len(a.CBs) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	var owner *redis.StringCmd
	if a.Reg != nil {
		owner = pipe.HGet(ctx, s.keys.registration(a.Reg.Ref), "person")
	}
	cbs := make([]*redis.IntCmd, 0, len(a.CBs))
	for _, cb := range a.CBs {
		cbs = append(cbs, pipe.Exists(ctx, s.keys.callback(cb.Ref)))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("error committing conversation: %w", err)
	}
	if owner != nil && owner.Val() != "" && owner.Val() != string(p) {
		return fmt.Errorf("error committing conversation: %w", msg.ErrRefTaken)
	}
	for _, e := range cbs {
		if e.Val() == 1 {
			return fmt.Errorf("error committing conversation: %w", msg.ErrRefTaken)
		}
	}
	return nil
}

// personResult is personScript's answer.
type personResult struct {
	conflict bool
	erased   int
	log      []string
}

func (s *Store) runPerson(ctx context.Context, p msg.PersonID, conv, person, dd string, args []any) (personResult, error) {
	keys := []string{conv, person, dd, s.keys.fxLog(p), s.keys.fxSeq(p)}
	v, err := personScript.Run(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return personResult{}, err
	}
	if len(v) == 1 && asInt(v[0]) == 1 {
		return personResult{conflict: true}, nil
	}
	if len(v) != 3 || asInt(v[0]) != 0 {
		return personResult{}, errors.New("unexpected reply")
	}
	r := personResult{erased: int(asInt(v[1]))}
	entries, _ := v[2].([]any)
	for _, e := range entries {
		if e, ok := e.(string); ok {
			r.log = append(r.log, e)
		}
	}
	return r, nil
}

// applied is what applyLog carried out.
type applied struct {
	entries, refused, parked int
	// erased is the last erasure's {keys, ref, call-backs, messages}.
	erased []any
}

// applyLog applies a person's logged effects (oldest first), then drops
// the entries from the log. It returns the store's error (wrapped).
func (s *Store) applyLog(ctx context.Context, p msg.PersonID, log []string) (applied, error) {
	var out applied
	if len(log) == 0 {
		return out, nil
	}
	args := make([]any, 0, 4+len(log))
	args = append(args, s.keys.prefix, string(p), fxTTLMillis, AuditMaxLen)
	for _, e := range log {
		args = append(args, e)
	}
	v, err := applyScript.Run(ctx, s.rdb, []string{s.keys.fxApplied(p)}, args...).Slice()
	if err != nil {
		return out, fmt.Errorf("error applying effects: %w", err)
	}
	if len(v) != 4 {
		return out, errors.New("error applying effects: unexpected reply")
	}
	out.entries, out.refused, out.parked = int(asInt(v[0])), int(asInt(v[1])), int(asInt(v[2]))
	out.erased, _ = v[3].([]any)
	if out.refused > 0 {
		s.logger().Error("a registration or call-back reference was taken by another between the check and the write: not written",
			"refused", out.refused)
	}
	if out.parked > 0 {
		s.logger().Error("an effect that cannot be applied was parked in fxdead:{g} (person, seq and error)", "parked", out.parked)
	}
	fargs := make([]any, len(log))
	for i, e := range log {
		fargs[i] = e
	}
	if err := forgetScript.Run(ctx, s.rdb, []string{s.keys.fxLog(p)}, fargs...).Err(); err != nil {
		// Applied: what stays in the log is skipped when handed over again.
		return out, fmt.Errorf("error dropping applied effects: %w", err)
	}
	return out, nil
}

// eraseSplit is ErasePerson on Redis Cluster: the person's keys and an
// erasure entry in their slot, then the entry applied in the shared slot.
func (s *Store) eraseSplit(ctx context.Context, p msg.PersonID, who string, at time.Time) (msg.Erased, error) {
	now := time.Now()
	a := fxArg{Erase: true, Who: who, At: at.UTC().Format(time.RFC3339),
		Now: strconv.FormatInt(now.UnixMilli(), 10), RegMax: strconv.Itoa(StreamMaxLen),
		MsgTTL: strconv.FormatInt(ttlMillis(s.outboxRetention, DefaultOutboxRetention), 10),
		CBTTL:  strconv.FormatInt(s.callbackTTLSeconds(), 10)}
	entry, err := jsonString(a)
	if err != nil {
		return msg.Erased{}, err
	}
	conv, person, dd := s.keys.person(p)
	// No version check ("" at ARGV 15) and no state: the person's keys go.
	args := append(commitArgs(msg.Change{}), entry, s.keys.prefix, string(p), "1", "", fxnTTLMillis, "")
	res, err := s.runPerson(ctx, p, conv, person, dd, args)
	if err != nil {
		return msg.Erased{}, fmt.Errorf("error erasing person: %w", err)
	}
	e := msg.Erased{Keys: res.erased}
	out, err := s.applyLog(ctx, p, res.log)
	if err != nil {
		// The erasure is committed in the person's log: the next hand-over
		// or the repair finishes it. Say it happened, with what is known.
		s.logger().Warn("erasure committed, the shared part not yet applied: left for the repair", "err", err)
		return e, nil
	}
	if len(out.erased) == 4 {
		e.Keys += int(asInt(out.erased[0]))
		e.Registration, _ = out.erased[1].(string)
		e.Callbacks, e.Messages = int(asInt(out.erased[2])), int(asInt(out.erased[3]))
	}
	return e, nil
}

// logger is the store's logger, or a discarding one.
func (s *Store) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.New(slog.DiscardHandler)
}

// KeptAfterErasure tells whether key, with ttl left to live, is one of
// the split commit's two counters of a person (fxn:{p}, fxa:{g}:<p>) as an
// erasure leaves them: kept an hour or two (no more), so that an effect
// handed over late is recognised as applied rather than applied again.
// They hold a number, nothing the person gave. Only a store that commits
// split (a Cluster) has them.
func KeptAfterErasure(key string, ttl time.Duration) bool {
	return (strings.Contains(key, "fxn:{") || strings.Contains(key, "fxa:{g}:")) &&
		ttl > 0 && ttl.Milliseconds() <= erasedSeqMillis
}
