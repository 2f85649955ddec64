package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/seal"
)

// Reseal seals again, with the current key, every registration number and
// answer sealed with another key or not sealed at all, a batch at a time:
// after a key rotation, once it has run, the older key can be dropped. It
// returns how many registrations it changed, or the store's error
// (wrapped). Encryption must be on.
func (s *Store) Reseal(ctx context.Context, batch int) (int, error) {
	if s.seal == nil {
		return 0, errors.New("error resealing: no encryption key configured")
	}
	if batch <= 0 {
		batch = EachBatch
	}
	changed := 0
	for start := int64(0); ; start += int64(batch) {
		refs, err := s.rdb.ZRange(ctx, s.keys.regs, start, start+int64(batch)-1).Result()
		if err != nil {
			return changed, fmt.Errorf("error resealing: %w", err)
		}
		if len(refs) == 0 {
			return changed, nil
		}
		cmds := make([]*redis.MapStringStringCmd, len(refs))
		if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, ref := range refs {
				cmds[i] = p.HGetAll(ctx, s.keys.registration(ref))
			}
			return nil
		}); err != nil {
			return changed, fmt.Errorf("error resealing: %w", err)
		}
		pipe := s.rdb.Pipeline()
		for i, c := range cmds {
			upd, err := s.resealed(c.Val())
			if err != nil {
				return changed, fmt.Errorf("error resealing %s: %w", refs[i], err)
			}
			if len(upd) > 0 {
				// Only if the registration is still there: HSET would
				// bring an erased one back.
				pipe.Eval(ctx, `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], unpack(ARGV)) end return 0`,
					[]string{s.keys.registration(refs[i])}, upd...)
				changed++
			}
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return changed, fmt.Errorf("error resealing: %w", err)
		}
	}
}

// resealed returns the fields of a registration hash to write again, as
// field/value pairs.
func (s *Store) resealed(h map[string]string) ([]any, error) {
	var out []any
	for k, v := range h {
		if k != "phone" && (!strings.HasPrefix(k, answerPrefix) || k == answerPrefix+ansRegion ||
			k == answerPrefix+ansSituation || k == answerPrefix+ansSector) {
			continue
		}
		if id, sealed := seal.Sealed(v); sealed && id == s.seal.Current() || v == "" {
			continue
		}
		plain, err := s.openField(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, k, s.seal.Seal(k, plain))
	}
	return out, nil
}
