package redisstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// loadScript reads a hop's inputs in one round trip.
// KEYS: dd, conv, person. ARGV[1]: "1" when the hop has a dedupe name.
// Reply: {1, reply} on a dedupe hit, else {0, version, state, lang, hasState}.
// Missing values come back as "" (never Lua false, whose encoding differs
// between RESP2 and RESP3).
var loadScript = redis.NewScript(`
if ARGV[1] == '1' then
  local r = redis.call('GET', KEYS[1])
  if r then return {1, r} end
end
local c = redis.call('HMGET', KEYS[2], 'v', 's')
local l = redis.call('HGET', KEYS[3], 'lang')
if not c[1] then return {0, '0', '', l or '', 0} end
return {0, c[1], c[2] or '', l or '', 1}
`)

// Load returns the person's conversation, or only the cached reply when the
// hop named dedupe was answered before. No state gives a zero Conversation
// (Version 0, nil State). It costs one round trip and returns the store's
// error (wrapped) when Redis cannot answer or answers something unexpected.
func (s *Store) Load(ctx context.Context, p msg.PersonID, dedupe string) (msg.Conversation, error) {
	dd, conv, person := s.keys.person(p, dedupe)
	flag := "0"
	if dedupe != "" {
		flag = "1"
	} else {
		dd = conv // a declared key is needed; the script does not read it
	}
	res, err := loadScript.Run(ctx, s.rdb, []string{dd, conv, person}, flag).Slice()
	if err != nil {
		return msg.Conversation{}, fmt.Errorf("error loading conversation: %w", err)
	}
	c, err := decodeLoad(res)
	if err != nil {
		return msg.Conversation{}, fmt.Errorf("error loading conversation: %w", err)
	}
	return c, nil
}

func decodeLoad(res []any) (msg.Conversation, error) {
	var c msg.Conversation
	if len(res) == 2 && asInt(res[0]) == 1 {
		r, ok := res[1].(string)
		if !ok {
			return c, fmt.Errorf("unexpected reply type %T", res[1])
		}
		c.Reply = []byte(r)
		return c, nil
	}
	if len(res) != 5 {
		return c, fmt.Errorf("unexpected reply length %d", len(res))
	}
	v, _ := res[1].(string)
	st, _ := res[2].(string)
	lang, _ := res[3].(string)
	c.Lang = msg.Lang(lang)
	if asInt(res[4]) == 1 {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return c, fmt.Errorf("error parsing version: %w", err)
		}
		c.Version = n
		c.State = []byte(st)
	}
	return c, nil
}

// asInt reads an integer reply element, -1 for anything else.
func asInt(v any) int64 {
	if n, ok := v.(int64); ok {
		return n
	}
	return -1
}
