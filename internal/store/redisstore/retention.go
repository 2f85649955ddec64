package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// PurgeBatch is how many registrations or call-back refs one purge script
// handles, so that no script holds Redis for long.
const PurgeBatch = 200

// purgeRegistrationsScript deletes up to a batch of the oldest registrations
// created before a cutoff: the hash and its index entries (unindexLua), its
// entry in regs, and the person's regp field when it still points to that
// ref (a newer registration of the same person is left alone). It returns
// how many refs it took from regs; fewer than the batch means none is left.
//
// KEYS: 1 regs, 2 regp. ARGV: 1 reg prefix, 2 idx prefix, 3 cutoff ms
// (exclusive), 4 batch.
var purgeRegistrationsScript = redis.NewScript(unindexLua + `
local refs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
for _, ref in ipairs(refs) do
  local person = redis.call('HGET', ARGV[1] .. ref, 'person')
  unindex(ARGV[1], ARGV[2], KEYS[1], ref, person or '')
  redis.call('ZREM', KEYS[1], ref)
  if person and redis.call('HGET', KEYS[2], person) == ref then
    redis.call('HDEL', KEYS[2], person)
  end
end
return #refs
`)

// PurgeRegistrations deletes every registration created before before, with
// its index entries, its entry in the all-registrations set and the person's
// pointer to it (unless it points to a newer registration), in batches of
// PurgeBatch, one script a batch. Entries of the registration stream older
// than before (by their ID's time) are trimmed too. It returns how many
// registrations were deleted, and the store's error (wrapped); a failure
// part way leaves the batches done deleted.
func (s *Store) PurgeRegistrations(ctx context.Context, before time.Time) (int, error) {
	cutoff := before.UnixMilli()
	if cutoff <= 0 {
		return 0, nil
	}
	keys := []string{s.keys.regs, s.keys.regp}
	total := 0
	for {
		n, err := purgeRegistrationsScript.Run(ctx, s.rdb, keys, s.keys.reg, s.keys.idx, cutoff, PurgeBatch).Int()
		if err != nil {
			return total, fmt.Errorf("error purging registrations: %w", err)
		}
		total += n
		if n < PurgeBatch {
			break
		}
	}
	if err := s.rdb.XTrimMinID(ctx, s.keys.stream, strconv.FormatInt(cutoff, 10)).Err(); err != nil {
		return total, fmt.Errorf("error trimming the registration stream: %w", err)
	}
	return total, nil
}

// dropCallbacksScript drops call-back refs from the sorted sets: those whose
// hash is gone (expired) and, with a positive cutoff, those created before
// it (their hash is deleted). It returns how many refs it dropped.
//
// KEYS: 1 open, 2 all. ARGV: 1 hash prefix, 2 cutoff ms (0: only refs whose
// hash is gone), 3… refs.
var dropCallbacksScript = redis.NewScript(`
local cutoff = tonumber(ARGV[2])
local n = 0
for i = 3, #ARGV do
  local ref = ARGV[i]
  local k = ARGV[1] .. ref
  local drop = redis.call('EXISTS', k) == 0
  if not drop and cutoff > 0 then
    local score = redis.call('ZSCORE', KEYS[2], ref)
    drop = score and tonumber(score) < cutoff
  end
  if drop then
    redis.call('DEL', k)
    redis.call('ZREM', KEYS[1], ref)
    redis.call('ZREM', KEYS[2], ref)
    n = n + 1
  end
end
return n
`)

// dropCallbacks runs dropCallbacksScript over refs; a zero before drops only
// the refs whose hash is gone.
func (s *Store) dropCallbacks(ctx context.Context, refs []string, before time.Time) (int, error) {
	if len(refs) == 0 {
		return 0, nil
	}
	cutoff := int64(0)
	if !before.IsZero() {
		cutoff = max(before.UnixMilli(), 0)
	}
	args := make([]any, 0, 2+len(refs))
	args = append(args, s.keys.prefix+"cb:{g}:", cutoff)
	for _, ref := range refs {
		args = append(args, ref)
	}
	return dropCallbacksScript.Run(ctx, s.rdb, []string{s.keys.cbOpen(), s.keys.cbAll()}, args...).Int()
}

// pruneCallbackPersonsScript rewrites the person → refs entries given,
// keeping only the refs whose hash still exists, and deletes the entries
// left empty. It returns how many entries it deleted.
//
// KEYS: 1 person index. ARGV: 1 hash prefix, 2… persons.
var pruneCallbackPersonsScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV do
  local p = ARGV[i]
  local refs = redis.call('HGET', KEYS[1], p)
  if refs then
    local keep, seen = {}, 0
    for ref in string.gmatch(refs, '%S+') do
      seen = seen + 1
      if redis.call('EXISTS', ARGV[1] .. ref) == 1 then keep[#keep + 1] = ref end
    end
    if #keep == 0 then
      redis.call('HDEL', KEYS[1], p)
      n = n + 1
    elseif #keep < seen then
      redis.call('HSET', KEYS[1], p, table.concat(keep, ' '))
    end
  end
end
return n
`)

// PurgeCallbacks deletes every call-back request created before before
// (the gateway passes now minus Retention), and drops from the sorted sets
// (open, all) and from the person index the refs whose hash has expired
// (the hashes themselves expire after the retention, WithRetention). It
// walks the sets with ZSCAN and HSCAN, one script per batch of PurgeBatch in
// the {g} slot. It returns how many refs it dropped from the sets, and the
// store's error (wrapped).
func (s *Store) PurgeCallbacks(ctx context.Context, before time.Time) (int, error) {
	total := 0
	var cursor uint64
	for {
		zs, next, err := s.rdb.ZScan(ctx, s.keys.cbAll(), cursor, "", PurgeBatch).Result()
		if err != nil {
			return total, fmt.Errorf("error purging call-backs: %w", err)
		}
		refs := make([]string, 0, len(zs)/2)
		for i := 0; i < len(zs); i += 2 { // member, score, member, score…
			refs = append(refs, zs[i])
		}
		n, err := s.dropCallbacks(ctx, refs, before)
		if err != nil {
			return total, fmt.Errorf("error purging call-backs: %w", err)
		}
		total += n
		if cursor = next; cursor == 0 {
			break
		}
	}
	// The person index: only refs whose hash exists are kept.
	hashes := s.keys.prefix + "cb:{g}:"
	cursor = 0
	for {
		fs, next, err := s.rdb.HScan(ctx, s.keys.cbPerson(), cursor, "", PurgeBatch).Result()
		if err != nil {
			return total, fmt.Errorf("error purging call-backs: %w", err)
		}
		args := make([]any, 0, 1+len(fs)/2)
		args = append(args, hashes)
		for i := 0; i < len(fs); i += 2 { // field, value, field, value…
			args = append(args, fs[i])
		}
		if len(args) > 1 {
			if err := pruneCallbackPersonsScript.Run(ctx, s.rdb, []string{s.keys.cbPerson()}, args...).Err(); err != nil {
				return total, fmt.Errorf("error purging call-backs: %w", err)
			}
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	return total, nil
}
