package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// loadFloodScript is the load of an SMS hop under a flood limit, for the
// person's own slot: the cached reply of a provider retry (answered before
// anything is counted), then the flood limit (floodLua), then the reads of
// Load's pipeline that are in the person's slot. The registration ref and
// the campaign reply window (shared keys, {g}) are read beside it in the
// same pipeline, so the load stays one round trip on one node and on a
// Cluster.
// KEYS: 1 conv, 2 person, 3 dd, 4 quota, 5 flood, 6 flood notice. ARGV: 1
// dedupe field or "", 2 unused, 3 limit, 4 period in seconds.
// It returns {1, reply} for a retry, {2, 1 or 2} for a refused message
// (notice or silence), or {0, conv, lang, quota pairs}.
var loadFloodScript = newScript(floodLua + `
if ARGV[1] ~= '' then
  local r = redis.call('HGET', KEYS[3], ARGV[1])
  if r then return {1, r} end
end
local refused = flood()
if refused ~= 0 then return {2, refused} end
local v = redis.call('MGET', KEYS[1], KEYS[2])
return {0, v[1], v[2], redis.call('HGETALL', KEYS[4])}
`)

// loadFlood is LoadHop with a flood limit.
func (s *Store) loadFlood(ctx context.Context, p msg.PersonID, q msg.HopLoad) (msg.Conversation, error) {
	var c msg.Conversation
	conv, person, dd := s.keys.person(p)
	limit, period := floodArgs(q.Flood)
	keys := []string{conv, person, dd, s.keys.quota(p), s.keys.flood(p), s.keys.floodNote(p)}
	args := []any{ddField(q.Dedupe), "", limit, period}
	pipe := s.rdb.Pipeline()
	run := loadFloodScript.evalSha(ctx, keys, args)
	_ = pipe.Process(ctx, run)
	regRef := pipe.HGet(ctx, s.keys.regp, string(p))
	window := pipe.Get(ctx, s.keys.campWindow(p))
	_, _ = pipe.Exec(ctx) // each command's error is read below
	// The shared reads first: a failure there is the hop's failure, and
	// nothing has been counted twice yet if the script must run again.
	for _, cmd := range []redis.Cmder{regRef, window} {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return c, fmt.Errorf("error loading conversation: %w", err)
		}
	}
	if isNoScript(run.Err()) {
		// The server lost its scripts (a restart, a failover): once more
		// with the script's text.
		run = loadFloodScript.Eval(ctx, s.rdb, keys, args...)
	}
	v, err := run.Slice()
	if err != nil {
		return c, fmt.Errorf("error loading conversation: %w", err)
	}
	switch {
	case len(v) == 2 && asInt(v[0]) == 1:
		if r, ok := v[1].(string); ok {
			c.Reply = []byte(r)
			return c, nil
		}
	case len(v) == 2 && asInt(v[0]) == 2:
		c.Flood = msg.FloodSilent
		if asInt(v[1]) == 1 {
			c.Flood = msg.FloodNotice
		}
		return c, nil
	case len(v) == 4 && asInt(v[0]) == 0:
		readConv(&c, v[1], v[2])
		if q, ok := v[3].([]any); ok && len(q) > 0 {
			c.Quota = make(map[string]string, len(q)/2)
			for i := 0; i+1 < len(q); i += 2 {
				k, _ := q[i].(string)
				c.Quota[k], _ = q[i+1].(string)
			}
		}
		c.RegRef = regRef.Val()
		c.CampaignReply = window.Val()
		return c, nil
	}
	return c, fmt.Errorf("error loading conversation: unexpected reply")
}

// isNoScript tells whether err is Redis's answer to an EVALSHA of a script
// it does not hold.
func isNoScript(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT")
}
