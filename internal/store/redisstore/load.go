package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// Load returns the person's conversation and quota counters, or only the
// cached reply when the hop named dedupe was answered before: LoadHop
// without a flood limit. No state gives
// a zero Conversation (Version 0, nil State); so does a conversation key
// holding an empty string or a value of another type than a string. A record
// that does not start with a readable version ("<version>:", see splitConv)
// is not an error: it loads with Version VersionUnreadable and the whole
// record as State, which the caller cannot decode and drops, and the next
// Commit with that version replaces it. It costs one round trip (a pipeline
// of plain reads, cheaper for Redis than a script) and returns the store's
// error (wrapped) when Redis cannot answer or answers something unexpected.
func (s *Store) Load(ctx context.Context, p msg.PersonID, dedupe string) (msg.Conversation, error) {
	return s.load(ctx, p, msg.HopLoad{Dedupe: dedupe})
}

// LoadHop is the load at the start of a hop: Load, and with q.Flood the
// message checked against the person's flood limit once no cached reply
// answers it (flood.go), all in one round trip of plain reads; a refused
// message costs one more, for the notice, and returns only its verdict
// (c.Flood). An allowed message counts when its hop commits
// (c.FloodMark). It returns the store's error (wrapped).
func (s *Store) LoadHop(ctx context.Context, p msg.PersonID, q msg.HopLoad) (msg.Conversation, error) {
	return s.load(ctx, p, q)
}

// load reads a conversation with a pipeline of plain reads.
func (s *Store) load(ctx context.Context, p msg.PersonID, q msg.HopLoad) (msg.Conversation, error) {
	var c msg.Conversation
	flood := q.Flood.Limit > 0 && q.Flood.Period > 0
	// An SMS (a message named for retries, or under a flood limit) may
	// answer a campaign.
	sms := q.Dedupe != "" || flood
	// One MGET of the state and the language, and for an SMS its flood
	// limit (the same hash slot) and, on one node, its campaign's reply
	// window (in the shared slot: a Cluster reads it apart); then the
	// quota counters and the registration's reference, and for an SMS its
	// cached reply and Redis's clock, in the same pipeline. MGET and HMGET
	// answer a missing key or field (or a key of another type, for MGET)
	// with a nil element rather than redis.Nil, which spares go-redis its
	// error handling on the hot path.
	op := new(loadOp)
	k := &op.k
	s.keys.hop(p, sms, k)
	k[kRegp], k[kPerson] = s.keys.regp, string(p)
	read := [4]int{kConv, kLang}
	nread, floodAt, windowAt := 2, -1, -1
	if flood {
		read[nread], floodAt = kFlood, nread
		nread++
	}
	if sms && !s.split {
		read[nread], windowAt = kWindow, nread
		nread++
	}
	vals := op.cmd(ctx, 0, "mget", read[:nread]...)
	quota := redis.NewMapStringStringCmd(ctx, op.args(1, "hgetall", kQuota)...)
	op.cmds[1] = quota
	regRef := op.cmd(ctx, 2, "hmget", kRegp, kPerson)
	n := 3
	var cached, window *redis.SliceCmd
	if q.Dedupe != "" {
		k[kDDField] = ddField(q.Dedupe)
		cached = op.cmd(ctx, n, "hmget", kDD, kDDField)
		n++
	}
	if sms && s.split {
		window = op.cmd(ctx, n, "mget", kWindow)
		n++
	}
	var clock *redis.TimeCmd
	if flood {
		if s.split {
			// TIME names no key: on a Cluster it would go to any node.
			// The clock is read where the limiter's state lives, as the
			// state is compared with it.
			clock = redis.NewTimeCmd(ctx, append(op.a[n][:0], "eval", personClockLua, 1, &k[kFlood])...)
		} else {
			clock = redis.NewTimeCmd(ctx, op.args(n, "time")...)
		}
		op.cmds[n] = clock
		n++
	}
	cmds := op.cmds[:n]
	if err := s.send(ctx, cmds...); err != nil {
		return c, fmt.Errorf("error loading conversation: %w", err)
	}
	// Every command's error is looked at, not only the pipeline's first.
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return c, fmt.Errorf("error loading conversation: %w", err)
		}
	}
	v := vals.Val()
	if len(v) != nread {
		return c, fmt.Errorf("error loading conversation: unexpected reply")
	}
	if cached != nil {
		if r, ok := firstValue(cached.Val()); ok {
			c.Reply = []byte(r)
			return c, nil
		}
	}
	if flood {
		stored, _ := v[floodAt].(string)
		mark, wait, ok := floodCheck(q.Flood, clock.Val(), stored)
		if !ok {
			first, err := s.floodNotice(ctx, p, wait)
			if err != nil {
				return c, fmt.Errorf("error loading conversation: %w", err)
			}
			c.Flood = msg.FloodSilent
			if first {
				c.Flood = msg.FloodNotice
			}
			return c, nil
		}
		c.FloodMark = mark
	}
	switch {
	case windowAt >= 0:
		c.CampaignReply, _ = v[windowAt].(string)
	case window != nil:
		c.CampaignReply, _ = firstValue(window.Val())
	}
	if q := quota.Val(); len(q) > 0 {
		c.Quota = q
	}
	c.RegRef, _ = firstValue(regRef.Val())
	readConv(&c, v[0], v[1])
	return c, nil
}

// loadOp holds a load's key names, commands' arguments and commands in one
// allocation: go-redis's helpers would allocate each command's argument
// slice and box each key apart. Keys travel as pointers into k (go-redis
// writes a *string as its string, and reads it as the key when it routes
// a command on a Cluster).
type loadOp struct {
	k    [kCount]string
	a    [loadCmds][5]any // the longest: MGET and four keys
	cmds [loadCmds]redis.Cmder
}

// Indexes of a load's key names and arguments in loadOp.k.
const (
	kConv = iota
	kLang
	kDD
	kQuota
	kWindow
	kFlood
	kRegp
	kPerson
	kDDField
	kCount
)

// loadCmds is the most commands a load sends (on a Cluster, an SMS named
// for retries and under a flood limit: MGET, HGETALL, HMGET, HMGET, MGET,
// EVAL).
const loadCmds = 6

// args returns the arguments of command i: name, then the key names at
// the indexes keys of op.k.
func (op *loadOp) args(i int, name string, keys ...int) []any {
	a := append(op.a[i][:0], name)
	for _, ki := range keys {
		a = append(a, &op.k[ki])
	}
	return a
}

// cmd makes command i, name on the key names at the indexes keys, a
// command answered with an array.
func (op *loadOp) cmd(ctx context.Context, i int, name string, keys ...int) *redis.SliceCmd {
	c := redis.NewSliceCmd(ctx, op.args(i, name, keys...)...)
	op.cmds[i] = c
	return c
}

// firstValue is the first element of an MGET or HMGET reply, and whether
// it is a string (false for a missing key or field).
func firstValue(v []any) (string, bool) {
	if len(v) == 0 {
		return "", false
	}
	s, ok := v[0].(string)
	return s, ok
}

// personClockLua reads Redis's clock on the node of KEYS[1].
const personClockLua = "return redis.call('TIME')"

// readConv fills c from the stored conversation record and language (MGET
// elements: a string, or nil for none).
func readConv(c *msg.Conversation, conv, lang any) {
	if l, ok := lang.(string); ok {
		c.Lang = msg.Lang(l)
	}
	raw, ok := conv.(string)
	if !ok || raw == "" {
		return
	}
	var readable bool
	if c.Version, c.State, readable = splitConv(raw); !readable {
		c.Version, c.State = VersionUnreadable, []byte(raw)
	}
}

// maxVersionDigits bounds a readable version, so that it fits an int64; the
// commit scripts' stored_version applies the same bound.
const maxVersionDigits = 18

// splitConv reads a stored conversation: "<version>:<state>", the version
// in decimal without leading zeros and at most maxVersionDigits digits,
// exactly as the commit scripts read it (stored_version in hopLua), so that
// the compare-and-set matches what Load read. readable is false for any
// other value.
func splitConv(raw string) (version int64, state []byte, readable bool) {
	i := strings.IndexByte(raw, ':')
	if i <= 0 || i > maxVersionDigits || (i > 1 && raw[0] == '0') {
		return 0, nil, false
	}
	for _, d := range []byte(raw[:i]) {
		if d < '0' || d > '9' {
			return 0, nil, false
		}
		version = version*10 + int64(d-'0')
	}
	return version, []byte(raw[i+1:]), true
}

// VersionUnreadable is the Version Load gives a conversation whose stored
// record does not start with a readable version (a corrupt value). Commit
// with it replaces that record if it is still the one stored, and returns
// msg.ErrConflict if another hop replaced it first.
const VersionUnreadable = -1

// asInt reads an integer reply element, -1 for anything else.
func asInt(v any) int64 {
	if n, ok := v.(int64); ok {
		return n
	}
	return -1
}
