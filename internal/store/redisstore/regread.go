package redisstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// Page sizes of Registrations and EachRegistration.
const (
	DefaultLimit = 50
	MaxLimit     = 500
	EachBatch    = 200
)

// Registration returns the registration with reference ref. It returns
// msg.ErrNotFound (wrapped) when there is none, or the store's error.
func (s *Store) Registration(ctx context.Context, ref string) (msg.Registration, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.registration(ref)).Result()
	if err != nil {
		return msg.Registration{}, fmt.Errorf("error reading registration: %w", err)
	}
	if len(h) == 0 {
		return msg.Registration{}, fmt.Errorf("error reading registration: %w", msg.ErrNotFound)
	}
	return s.decodeRegistration(h)
}

// Registrations returns one page of the registrations matching every
// non-empty field of f, newest first, and how many match in all. Limit
// defaults to DefaultLimit and is capped at MaxLimit. It costs two round
// trips: one transaction that intersects regs with the index sets into a
// scratch key (Redis walks the smallest set), reads the page and deletes the
// scratch key, then one pipeline of the hashes. It returns the store's error
// (wrapped).
func (s *Store) Registrations(ctx context.Context, f msg.Filter) ([]msg.Registration, int, error) {
	offset, limit := max(f.Offset, 0), f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	var sets []string
	for _, c := range []struct{ name, value string }{
		{"lang", string(f.Lang)}, {ansRegion, f.Region}, {ansSituation, f.Situation}, {ansSector, f.Sector},
	} {
		if c.value != "" {
			sets = append(sets, s.keys.index(c.name, c.value))
		}
	}
	var card *redis.IntCmd
	var page *redis.StringSliceCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		src := s.keys.regs
		if len(sets) > 0 {
			// The index sets weigh 0: each member keeps its created score.
			src = s.keys.filterTmp
			weights := make([]float64, len(sets)+1)
			weights[0] = 1
			p.ZInterStore(ctx, src, &redis.ZStore{Keys: append([]string{s.keys.regs}, sets...), Weights: weights})
		}
		card = p.ZCard(ctx, src)
		page = p.ZRevRange(ctx, src, int64(offset), int64(offset+limit-1))
		if len(sets) > 0 {
			p.Del(ctx, src)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("error listing registrations: %w", err)
	}
	regs, err := s.fetch(ctx, page.Val())
	if err != nil {
		return nil, 0, fmt.Errorf("error listing registrations: %w", err)
	}
	return regs, int(card.Val()), nil
}

// EachRegistration calls fn with every registration, oldest first, reading
// them in batches of EachBatch (two round trips a batch). It stops at the
// first error: fn's is returned as is, the store's wrapped. Registrations
// written during the walk may or may not be seen; none is seen twice.
func (s *Store) EachRegistration(ctx context.Context, fn func(msg.Registration) error) error {
	var (
		started   bool
		lastScore float64
		lastRef   string
		ties      int // refs seen with score lastScore
	)
	for {
		start := "-inf"
		if started {
			start = strconv.FormatFloat(lastScore, 'f', -1, 64)
		}
		count := EachBatch + ties
		zs, err := s.rdb.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{
			Key: s.keys.regs, Start: start, Stop: "+inf", ByScore: true, Count: int64(count),
		}).Result()
		if err != nil {
			return fmt.Errorf("error walking registrations: %w", err)
		}
		refs := make([]string, 0, len(zs))
		for _, z := range zs {
			ref, _ := z.Member.(string)
			if started && z.Score == lastScore && ref <= lastRef {
				continue // seen in the previous batch
			}
			if started && z.Score == lastScore {
				ties++
			} else {
				ties = 1
			}
			started, lastScore, lastRef = true, z.Score, ref
			refs = append(refs, ref)
		}
		regs, err := s.fetch(ctx, refs)
		if err != nil {
			return fmt.Errorf("error walking registrations: %w", err)
		}
		for _, r := range regs {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(zs) < count {
			return nil
		}
	}
}

// fetch reads registration hashes in one pipeline, in the order of refs,
// skipping refs whose hash has gone meanwhile.
func (s *Store) fetch(ctx context.Context, refs []string) ([]msg.Registration, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.MapStringStringCmd, len(refs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, ref := range refs {
			cmds[i] = p.HGetAll(ctx, s.keys.registration(ref))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]msg.Registration, 0, len(refs))
	for _, c := range cmds {
		if len(c.Val()) == 0 {
			continue
		}
		r, err := s.decodeRegistration(c.Val())
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
