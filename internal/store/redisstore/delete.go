package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// deleteScript removes a person's conversation, language and registration.
// KEYS: 1 conv, 2 person, 3 regp, 4 regs, 5 quota, 6 dd. ARGV: 1 reg prefix, 2 idx prefix,
// 3 person.
var deleteScript = redis.NewScript(unindexLua + `
local ref = redis.call('HGET', KEYS[3], ARGV[3])
if ref then unindex(ARGV[1], ARGV[2], KEYS[4], ref, ARGV[3]) end
redis.call('HDEL', KEYS[3], ARGV[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[5], KEYS[6])
return 0
`)

// DeletePerson removes, in one script, the person's conversation, remembered
// language, cached replies, quotas, registration and its index entries,
// then (a second script: another hash slot) their call-back requests.
// Entries already in the registration stream (ref, lang, region, situation,
// sector, created; no name or phone) are kept until the stream is trimmed;
// the opt-out set keeps the person's keyed hash, so that STOP still holds. Deleting a person with nothing stored is not an error.
// It returns the store's error (wrapped).
func (s *Store) DeletePerson(ctx context.Context, p msg.PersonID) error {
	conv, person, dd := s.keys.person(p)
	keys := []string{conv, person, s.keys.regp, s.keys.regs, s.keys.quota(p), dd}
	if err := deleteScript.Run(ctx, s.rdb, keys, s.keys.reg, s.keys.idx, string(p)).Err(); err != nil {
		return fmt.Errorf("error deleting person: %w", err)
	}
	// Flood counters (short-lived) and call-backs live in other hash slots.
	if err := s.rdb.Del(ctx, s.keys.floodKeys(p)...).Err(); err != nil {
		return fmt.Errorf("error deleting person: %w", err)
	}
	return s.deleteCallbacks(ctx, p)
}
