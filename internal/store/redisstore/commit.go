package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

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

// commitScript applies one hop's change after a compare-and-set on the
// conversation version. Nothing is written unless every check passes.
//
// KEYS: 1 conv, 2 person, 3 dd; with a registration also 4 reg, 5 regp,
// 6 regs, 7 stream, 8 idx lang, 9 idx region, 10 idx situation, 11 idx sector.
// ARGV: 1 expected version, 2 new version, 3 has state, 4 "<new version>:<state>", 5 state ttl ms,
// 6 lang, 7 person ttl ms, 8 dedupe field or "", 9 reply, 10 dedupe ttl ms, 11 has reg;
// with a registration: 12 ref, 13 person, 14 phone, 15 lang, 16 channel,
// 17 created, 18 created ms, 19 region, 20 situation, 21 sector, 22 reg
// prefix, 23 idx prefix, 24 stream maxlen, 25… answer field/value pairs.
var commitScript = redis.NewScript(unindexLua + `
local cur = redis.call('GET', KEYS[1])
if (cur and string.match(cur, '^(%d+):') or '0') ~= ARGV[1] then return 1 end
local reg = ARGV[11] == '1'
local owner
if reg then
  owner = redis.call('HGET', KEYS[4], 'person')
  if owner and owner ~= ARGV[13] then return 2 end
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('DEL', KEYS[1])
end
if ARGV[6] ~= '' then
  redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[7])
end
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[8], ARGV[9])
  redis.call('PEXPIRE', KEYS[3], ARGV[10])
end
if not reg then return 0 end
local ref = ARGV[12]
local old = redis.call('HGET', KEYS[5], ARGV[13])
if old then unindex(ARGV[22], ARGV[23], KEYS[6], old, ARGV[13]) end
if owner and old ~= ref then unindex(ARGV[22], ARGV[23], KEYS[6], ref, ARGV[13]) end
local h = {'ref', ref, 'person', ARGV[13], 'phone', ARGV[14], 'lang', ARGV[15],
  'channel', ARGV[16], 'created', ARGV[17]}
for i = 25, #ARGV do h[#h + 1] = ARGV[i] end
redis.call('HSET', KEYS[4], unpack(h))
redis.call('HSET', KEYS[5], ARGV[13], ref)
local ms = ARGV[18]
redis.call('ZADD', KEYS[6], ms, ref)
local vals = {ARGV[15], ARGV[19], ARGV[20], ARGV[21]}
for i = 1, 4 do
  if vals[i] ~= '' then redis.call('SADD', KEYS[7 + i], ref) end
end
redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[24], '*', 'ref', ref, 'lang', ARGV[15],
  'region', ARGV[19], 'situation', ARGV[20], 'sector', ARGV[21], 'created', ARGV[17])
return 0
`)

// hopScript is commitScript's common path, a hop that saves no
// registration: a short script is markedly cheaper for Redis (it runs on
// every hop). It reads only the head of the stored value for its version.
// KEYS and ARGV 1–10 as commitScript's.
var hopScript = redis.NewScript(`
if (string.match(redis.call('GETRANGE', KEYS[1], 0, 20), '^(%d+):') or '0') ~= ARGV[1] then return 1 end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('DEL', KEYS[1])
end
if ARGV[6] ~= '' then redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[7]) end
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[8], ARGV[9])
  redis.call('PEXPIRE', KEYS[3], ARGV[10])
end
return 0
`)

// Commit applies c all or nothing in one round trip. It returns
// msg.ErrConflict (wrapped) when the stored version is not c.Version (a
// missing conversation has version 0), msg.ErrRefTaken (wrapped) when
// c.Registration's ref belongs to another person, an error for a
// registration without a ref, or the store's error (wrapped).
//
// A nil c.State deletes the conversation; otherwise it is stored with
// version c.Version+1. Zero TTLs take DefaultStateTTL and DefaultDedupeTTL.
// A registration is stored for p whatever its Person field says; a zero
// Created is replaced by the current time. Registering again replaces the
// person's previous registration and its index entries.
func (s *Store) Commit(ctx context.Context, p msg.PersonID, c msg.Change) error {
	conv, person, dd := s.keys.person(p)
	keys, args := []string{conv, person, dd}, commitArgs(c)
	if c.Registration != nil {
		var err error
		if keys, args, err = s.registrationArgs(keys, args, p, c.Registration); err != nil {
			return err
		}
	}
	script := commitScript
	if c.Registration == nil {
		script, args = hopScript, args[:10]
	}
	n, err := script.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("error committing conversation: %w", err)
	}
	switch n {
	case commitOK:
		return nil
	case commitConflict:
		return fmt.Errorf("error committing conversation: %w", msg.ErrConflict)
	case commitRefTaken:
		return fmt.Errorf("error committing registration: %w", msg.ErrRefTaken)
	}
	return fmt.Errorf("error committing conversation: unexpected script result %d", n)
}

// commitArgs builds ARGV 1–11. Flags are constant strings and numbers stay
// int64 so that the hot path boxes as little as possible.
func commitArgs(c msg.Change) []any {
	hasState, hasReg := "0", "0"
	var state, reply any = "", ""
	if c.State != nil {
		v := strconv.AppendInt(make([]byte, 0, 21+len(c.State)), c.Version+1, 10)
		hasState, state = "1", append(append(v, ':'), c.State...)
	}
	var field any = ""
	if c.Dedupe != "" {
		field, reply = ddField(c.Dedupe), c.Reply
	}
	if c.Registration != nil {
		hasReg = "1"
	}
	capacity := 11
	if c.Registration != nil {
		capacity = 24 + 2*len(c.Registration.Answers)
	}
	args := make([]any, 11, capacity)
	args[0] = c.Version
	args[1] = c.Version + 1
	args[2] = hasState
	args[3] = state
	args[4] = ttlMillis(c.StateTTL, DefaultStateTTL)
	args[5] = boxLang(c.Lang)
	args[6] = personTTLMillis
	args[7] = field
	args[8] = reply
	args[9] = ttlMillis(c.DedupeTTL, DefaultDedupeTTL)
	args[10] = hasReg
	return args
}

// personTTLMillis is boxed once: an int64 in an interface costs an
// allocation per hop otherwise.
var personTTLMillis any = PersonTTL.Milliseconds()

// boxLang returns the shipped languages as constants, which box without
// allocating.
func boxLang(l msg.Lang) any {
	switch l {
	case "":
		return ""
	case msg.French:
		return string(msg.French)
	case msg.English:
		return string(msg.English)
	}
	return string(l)
}

func ttlMillis(d, def time.Duration) int64 {
	if d <= 0 {
		d = def
	}
	if ms := d.Milliseconds(); ms > 0 {
		return ms
	}
	return 1
}

// errNoRef is returned for a registration without a reference code.
var errNoRef = errors.New("error committing registration: empty ref")
