package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// Load returns the person's conversation and quota counters, or only the
// cached reply when the hop named dedupe was answered before. No state gives a zero Conversation
// (Version 0, nil State). It costs one round trip (a pipeline of plain
// reads, cheaper for Redis than a script) and returns the store's error
// (wrapped) when Redis cannot answer or answers something unexpected.
func (s *Store) Load(ctx context.Context, p msg.PersonID, dedupe string) (msg.Conversation, error) {
	conv, person, dd := s.keys.person(p)
	var c msg.Conversation
	// One MGET of the state and the language (same hash slot) and the quota
	// counters; an SMS also reads its cached reply, in the same pipeline. MGET and HMGET answer a
	// missing key with a nil element rather than redis.Nil, which spares
	// go-redis its error handling on the hot path.
	var vals, cached *redis.SliceCmd
	pipe := s.rdb.Pipeline()
	vals = pipe.MGet(ctx, conv, person)
	quota := pipe.HGetAll(ctx, s.keys.quota(p))
	var window *redis.StringCmd
	if dedupe != "" {
		cached = pipe.HMGet(ctx, dd, ddField(dedupe))
		window = pipe.Get(ctx, s.keys.campWindow(p))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return c, fmt.Errorf("error loading conversation: %w", err)
	}
	if window != nil {
		c.CampaignReply = window.Val()
	}
	if q := quota.Val(); len(q) > 0 {
		c.Quota = q
	}
	v := vals.Val()
	if len(v) != 2 {
		return c, fmt.Errorf("error loading conversation: unexpected reply")
	}
	if cached != nil && len(cached.Val()) == 1 {
		if r, ok := cached.Val()[0].(string); ok {
			c.Reply = []byte(r)
			return c, nil
		}
	}
	if l, ok := v[1].(string); ok {
		c.Lang = msg.Lang(l)
	}
	raw, ok := v[0].(string)
	if !ok {
		return c, nil
	}
	var err error
	if c.Version, c.State, err = splitConv(raw); err != nil {
		return msg.Conversation{}, fmt.Errorf("error loading conversation: %w", err)
	}
	return c, nil
}

// splitConv reads a stored conversation: "<version>:<state>".
func splitConv(raw string) (int64, []byte, error) {
	i := strings.IndexByte(raw, ':')
	if i <= 0 {
		return 0, nil, errors.New("stored conversation has no version")
	}
	v, err := strconv.ParseInt(raw[:i], 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("error parsing version: %w", err)
	}
	return v, []byte(raw[i+1:]), nil
}

// asInt reads an integer reply element, -1 for anything else.
func asInt(v any) int64 {
	if n, ok := v.(int64); ok {
		return n
	}
	return -1
}
