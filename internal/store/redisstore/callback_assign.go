package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// setCallbackScript sets fields of a request that exists, in one step (an
// erasure or an expiry cannot come between the check and the write, which
// would recreate the hash without its TTL); with ARGV[2] "done" it also
// leaves the open set. A ref whose hash is gone is dropped from the sorted
// sets.
// KEYS: 1 hash, 2 open, 3 all. ARGV: 1 ref, 2 "done" or "", 3… field/value pairs.
var setCallbackScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
local h = {}
for i = 3, #ARGV do h[#h + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(h))
if ARGV[2] == 'done' then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 0
`)

// AssignCallback gives a request to a staff member (assignee; "" takes it
// back). It returns msg.ErrNotFound (wrapped) for an unknown, expired or
// erased ref, or the store's error (wrapped).
func (s *Store) AssignCallback(ctx context.Context, ref, assignee string) error {
	return s.setCallback(ctx, ref, "", "assignee", assignee)
}

// CloseCallbackNote marks a request done at at with staff's note, in one
// step. It returns msg.ErrNotFound (wrapped) for an unknown, expired or
// erased ref, or the store's error (wrapped).
func (s *Store) CloseCallbackNote(ctx context.Context, ref, note string, at time.Time) error {
	return s.setCallback(ctx, ref, "done", "note", note, "done", at.UTC().Format(createdLayout))
}

func (s *Store) setCallback(ctx context.Context, ref, done string, kv ...any) error {
	args := append([]any{ref, done}, kv...)
	n, err := setCallbackScript.Run(ctx, s.rdb, []string{s.keys.callback(ref), s.keys.cbOpen(), s.keys.cbAll()}, args...).Int()
	if err != nil {
		return fmt.Errorf("error updating call-back: %w", err)
	}
	if n == 1 {
		return fmt.Errorf("error updating call-back %s: %w", ref, msg.ErrNotFound)
	}
	return nil
}
