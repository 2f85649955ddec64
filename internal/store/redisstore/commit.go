package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Expiries applied when a Change leaves its TTL at zero, so that no
// conversation or cached reply is kept forever.
const (
	DefaultStateTTL  = 72 * time.Hour
	DefaultDedupeTTL = 24 * time.Hour
	// PersonTTL is how long a remembered language lasts after its last write.
	PersonTTL = 400 * 24 * time.Hour
	// StreamMaxLen caps the registration stream (approximately).
	StreamMaxLen = 100000
)

// Commit script results.
const (
	commitOK       = 0
	commitConflict = 1
	commitRefTaken = 2
)

// hopLua is the head of both commit scripts: the compare-and-set on the
// conversation version, then the state, the language and the cached reply.
// KEYS: 1 conv, 2 person, 3 dd. ARGV: 1 expected version, 2 new version, 3
// has state, 4 "<new version>:<state>", 5 state ttl ms, 6 lang, 7 person ttl
// ms, 8 dedupe field or "", 9 reply, 10 dedupe ttl ms; for the flood
// limit: 12 prefix, 13 person. write_state's arguments are the flood
// limit's new state (msg.FloodMark) and its ttl ms, written to the
// person's flood key (named from ARGV 12 and 13, flood.go): ARGV 14 and 15
// in hopScript and commitScript. Staff's funnel is counted by the gateway
// (funnel.go).
//
// stored_version reads the version of the stored record (or of its head) as
// Load does (splitConv): '0' for none (no key, an empty string or a key of
// another type, which Load reads as nothing), the decimal version, or '-1'
// (VersionUnreadable) for a value without a readable version, so that a
// corrupt record is replaced rather than locking the person out.
const hopLua = `
local function stored_version(v)
  if type(v) ~= 'string' or v == '' then return '0' end
  local d = string.match(v, '^(%d+):')
  if not d or #d > ` + maxVersionDigitsLua + ` or (#d > 1 and string.sub(d, 1, 1) == '0') then return '-1' end
  return d
end
local function write_state(flood, flood_ms)
  if flood and flood ~= '' then
    redis.call('SET', 'rate:' .. ARGV[12] .. 'flood:{' .. ARGV[13] .. '}', flood, 'PX', flood_ms)
  end
  if ARGV[3] == '1' then
    redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  else
    redis.call('DEL', KEYS[1])
  end
  if ARGV[6] ~= '' then redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[7]) end
  if ARGV[8] ~= '' then
    if redis.call('HLEN', KEYS[3]) >= ` + ddMaxFields + ` then redis.call('DEL', KEYS[3]) end
    redis.call('HSET', KEYS[3], ARGV[8], ARGV[9])
    redis.call('PEXPIRE', KEYS[3], ARGV[10])
  end
end
local function write_hop()
  write_state(ARGV[14], ARGV[15])
end
`

// maxVersionDigitsLua is maxVersionDigits in the scripts (TestUnreadableConversation
// checks both bounds: 18 digits read, 19 do not).
const maxVersionDigitsLua = "18"

// ddMaxFields caps a person's cache of replies to provider retries: past
// it the cache starts afresh, so that a person who writes every day keeps
// a bounded hash (a provider retries within minutes, long before 64 more
// messages of the same person).
const ddMaxFields = "64"

// hopScript commits a hop that causes nothing but its own state: the common
// path, kept short because a script's cost grows with its size. It reads
// only the head of the stored value for its version.
var hopScript = newScript(hopLua + `
if stored_version(redis.pcall('GETRANGE', KEYS[1], 0, 20)) ~= ARGV[1] then return 1 end
write_hop()
return 0
`)

// commitScript commits a hop with its effects (see effectsLua): all of it
// or, when a check fails, nothing.
// KEYS and ARGV 1–10 as hopScript's, then ARGV 11 the effects (JSON), 12
// prefix, 13 person, 14–15 the flood mark. The shared keys it writes are named
// from the prefix (effectsLua): one node or Sentinel only, where no slot
// divides them (a Cluster commits split, split.go).
var commitScript = newScript(unindexLua + eraseLua + enqueueLua + hopLua + effectsLua + `
if stored_version(redis.pcall('GET', KEYS[1])) ~= ARGV[1] then return 1 end
fx_init(ARGV[12], ARGV[13])
local fx = cjson.decode(ARGV[11])
local refused = check_effects(fx)
if refused ~= 0 then return refused end
if fx.erase then
  erase(ARGV[12], ARGV[13])
else
  write_hop()
  write_quota(fx)
end
apply_shared(fx)
return 0
`)

// Commit applies c and its effects all or nothing in one round trip. It
// returns msg.ErrConflict (wrapped) when the stored version is not
// c.Version (a missing conversation has version 0), msg.ErrRefTaken
// (wrapped) when the registration's or a call-back's reference belongs to
// another, an error for a registration or call-back without a ref, or the
// store's error (wrapped).
//
// A nil c.State deletes the conversation; otherwise it is stored with
// version c.Version+1. c.Version VersionUnreadable (what Load gives a corrupt
// record) replaces the record if it is still unreadable, and the new state
// takes version 1. Zero TTLs take DefaultStateTTL and DefaultDedupeTTL.
// A registration is stored for p whatever its Person field says; a zero
// Created is replaced by the current time. Registering again replaces the
// person's previous registration and its index entries. With
// c.Effects.Erase, everything stored about p is erased (as ErasePerson)
// instead of writing the state, and only the effects' messages are queued.
func (s *Store) Commit(ctx context.Context, p msg.PersonID, c msg.Change) error {
	if s.split {
		return s.commitSplit(ctx, p, c)
	}
	h := new(hopArgs)
	h.keys[0], h.keys[1], h.keys[2] = s.keys.person(p)
	n := h.fill(c)
	h.prefix, h.person = s.keys.prefix, string(p)
	sc := hopScript
	if c.Registration != nil || !c.Effects.Empty() {
		fx, err := s.effectsArg(p, c, time.Now())
		if err != nil {
			return err
		}
		sc = commitScript
		h.fx = fx
		n = h.add(n, &h.fx, &h.prefix, &h.person)
	} else if c.FloodMark.Value != "" {
		n = h.add(n, "", &h.prefix, &h.person)
	}
	if c.FloodMark.Value != "" && !c.Effects.Erase {
		h.flood, h.nums[numFloodTTL] = c.FloodMark.Value, ttlMillis(c.FloodMark.TTL, time.Second)
		n = h.add(n, &h.flood, &h.nums[numFloodTTL])
	}
	res, err := s.runHop(ctx, sc, h, n).Int()
	if err != nil {
		return fmt.Errorf("error committing conversation: %w", err)
	}
	switch res {
	case commitOK:
		s.funnel.add(c.Reached, c.Abandoned)
		return nil
	case commitConflict:
		return fmt.Errorf("error committing conversation: %w", msg.ErrConflict)
	case commitRefTaken:
		return fmt.Errorf("error committing conversation: %w", msg.ErrRefTaken)
	}
	return fmt.Errorf("error committing conversation: unexpected script result %d", res)
}

// commitArgs builds ARGV 1–10 (the Cluster's person script appends its
// own).
func commitArgs(c msg.Change) []any {
	h := new(hopArgs)
	n := h.fill(c)
	return h.a[hopArgv:n:n]
}

// hopArgs holds a commit script's whole command, EVALSHA, digest, keys and
// ARGV, with the strings and numbers the arguments point to, in one
// allocation: boxing each number and string apart would cost one each.
// go-redis writes a *string and an *int64 as their values.
type hopArgs struct {
	a     [hopArgv + 15]any
	keys  [3]string
	nums  [numCount]int64
	state string
	lang  string
	field string
	fx    string
	flood string
	// prefix and person are ARGV 12 and 13.
	prefix, person string
}

// hopArgv is where ARGV starts in hopArgs.a: EVALSHA, the digest, the
// number of keys and the three keys come first.
const hopArgv = 6

// Indexes of hopArgs.nums.
const (
	numVersion = iota
	numNext
	numStateTTL
	numDedupeTTL
	numFloodTTL
	numCount
)

// fill sets ARGV 1–10 from c and returns the end of the arguments in h.a.
// Flags are constant strings, which box without allocating.
func (h *hopArgs) fill(c msg.Change) int {
	next := max(c.Version, 0) + 1
	h.nums[numVersion], h.nums[numNext] = c.Version, next
	h.nums[numStateTTL] = ttlMillis(c.StateTTL, DefaultStateTTL)
	h.nums[numDedupeTTL] = ttlMillis(c.DedupeTTL, DefaultDedupeTTL)
	a := h.a[hopArgv:]
	a[0], a[1] = &h.nums[numVersion], &h.nums[numNext]
	a[2], a[3] = "0", ""
	if c.State != nil {
		var v [20]byte
		// One allocation: the conversions inside a concatenation copy
		// nothing of their own.
		h.state = string(strconv.AppendInt(v[:0], next, 10)) + ":" + string(c.State)
		a[2], a[3] = "1", &h.state
	}
	a[4] = &h.nums[numStateTTL]
	h.lang = string(c.Lang)
	a[5] = &h.lang
	a[6] = personTTLMillis
	a[7], a[8] = "", ""
	if c.Dedupe != "" {
		h.field = ddField(c.Dedupe)
		a[7], a[8] = &h.field, c.Reply
	}
	a[9] = &h.nums[numDedupeTTL]
	return hopArgv + 10
}

// add appends args after the n arguments of h.a and returns the new end.
// h.a holds the most a commit sends: more is a programming error.
func (h *hopArgs) add(n int, args ...any) int {
	if n+len(args) > len(h.a) {
		panic("redisstore: a commit's arguments overflow hopArgs")
	}
	return n + copy(h.a[n:], args)
}

// personTTLMillis is boxed once: an int64 in an interface costs an
// allocation per hop otherwise.
var personTTLMillis any = PersonTTL.Milliseconds()

func ttlMillis(d, def time.Duration) int64 {
	if d <= 0 {
		d = def
	}
	if ms := d.Milliseconds(); ms > 0 {
		return ms
	}
	return 1
}

// errNoRef is returned for a registration or call-back without a reference code.
var errNoRef = errors.New("error committing: empty reference")
