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

// Load returns the person's conversation, or only the cached reply when the
// hop named dedupe was answered before. No state gives a zero Conversation
// (Version 0, nil State). It costs one round trip (a pipeline of plain
// reads, cheaper for Redis than a script) and returns the store's error
// (wrapped) when Redis cannot answer or answers something unexpected.
func (s *Store) Load(ctx context.Context, p msg.PersonID, dedupe string) (msg.Conversation, error) {
	conv, person, dd := s.keys.person(p)
	var c msg.Conversation
	// GET, HMGET answer a missing key or field without redis.Nil (GET's nil
	// is read through MGET), which spares go-redis its error handling on the
	// hot path.
	pipe := s.rdb.Pipeline()
	vals := pipe.MGet(ctx, conv)
	var fields []string
	if dedupe != "" {
		fields = []string{ddField(dedupe)}
	}
	lang := pipe.HMGet(ctx, person, "lang")
	var cached *redis.SliceCmd
	if fields != nil {
		cached = pipe.HMGet(ctx, dd, fields...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return c, fmt.Errorf("error loading conversation: %w", err)
	}
	if len(vals.Val()) != 1 || len(lang.Val()) != 1 {
		return c, fmt.Errorf("error loading conversation: unexpected reply")
	}
	if cached != nil && len(cached.Val()) == 1 {
		if r, ok := cached.Val()[0].(string); ok {
			c.Reply = []byte(r)
			return c, nil
		}
	}
	if l, ok := lang.Val()[0].(string); ok {
		c.Lang = msg.Lang(l)
	}
	raw, ok := vals.Val()[0].(string)
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
