package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/seal"
)

// AudienceBatch reads the next batch of a campaign audience from the
// indexes, resuming at cursor ("" to begin): up to n registrations in the
// registration-date range (from regs, by date), filtered on the rest, then
// the subscribers. It returns the recipients found, the cursor to resume
// from and whether the audience is exhausted. Only one batch is ever in
// memory. It returns the store's error (wrapped).
func (s *Store) AudienceBatch(ctx context.Context, a broadcast.Audience, cursor string, n int) ([]broadcast.Recipient, string, bool, error) {
	phase, rest, _ := strings.Cut(cursor, "|")
	if phase == "" {
		phase = "r"
	}
	if phase == "r" {
		if !a.Registered {
			phase, rest = "s", ""
		} else {
			rs, next, done, err := s.registeredBatch(ctx, a, rest, n)
			if err != nil || !done {
				return rs, "r|" + next, false, err
			}
			if !a.Subscribers {
				return rs, "", true, nil
			}
			return rs, "s|0", false, nil
		}
	}
	if !a.Subscribers {
		return nil, "", true, nil
	}
	if rest == "" {
		rest = "0"
	}
	cur, _ := strconv.ParseUint(rest, 10, 64)
	kv, next, err := s.rdb.HScan(ctx, s.keys.subs(), cur, "*", int64(n)).Result()
	if err != nil {
		return nil, cursor, false, fmt.Errorf("error reading subscribers: %w", err)
	}
	var out []broadcast.Recipient
	for i := 0; i+1 < len(kv); i += 2 {
		r, ok := decodeSubscriber(kv[i], kv[i+1])
		if ok && (len(a.Lang) == 0 || contains(a.Lang, string(r.Lang))) {
			out = append(out, r)
		}
	}
	if next == 0 {
		return out, "", true, nil
	}
	return out, "s|" + strconv.FormatUint(next, 10), false, nil
}

func contains(vals []string, v string) bool {
	for _, x := range vals {
		if x == v {
			return true
		}
	}
	return false
}

// registeredBatch reads up to n registrations from the cursor
// "<score>:<skip>" (skip: how many at exactly that score were read).
func (s *Store) registeredBatch(ctx context.Context, a broadcast.Audience, cursor string, n int) ([]broadcast.Recipient, string, bool, error) {
	from, to, err := a.Range()
	if err != nil {
		return nil, cursor, true, err
	}
	score, skip := from, int64(0)
	if sc, sk, ok := strings.Cut(cursor, ":"); ok {
		score, _ = strconv.ParseInt(sc, 10, 64)
		skip, _ = strconv.ParseInt(sk, 10, 64)
	}
	max := "+inf"
	if to > 0 {
		max = "(" + strconv.FormatInt(to, 10)
	}
	zs, err := s.rdb.ZRangeByScoreWithScores(ctx, s.keys.regs, &redis.ZRangeBy{
		Min: strconv.FormatInt(score, 10), Max: max, Offset: skip, Count: int64(n),
	}).Result()
	if err != nil {
		return nil, cursor, false, fmt.Errorf("error reading the audience: %w", err)
	}
	if len(zs) == 0 {
		return nil, "", true, nil
	}
	cmds := make([]*redis.MapStringStringCmd, len(zs))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, z := range zs {
			cmds[i] = p.HGetAll(ctx, s.keys.registration(z.Member.(string)))
		}
		return nil
	}); err != nil {
		return nil, cursor, false, fmt.Errorf("error reading the audience: %w", err)
	}
	var out []broadcast.Recipient
	for _, c := range cmds {
		h := c.Val()
		if len(h) == 0 {
			continue
		}
		r, err := s.decodeRegistration(h)
		if errors.Is(err, ErrNoKey) || errors.Is(err, seal.ErrUnknownKey) {
			// Every sealed registration would be left out: stop rather
			// than send to part of the audience.
			return nil, cursor, false, fmt.Errorf("error reading the audience: %w", err)
		}
		if err != nil {
			continue // one unreadable registration
		}
		rc := broadcast.Recipient{Person: r.Person, Phone: r.Phone, Lang: r.Lang, Answers: r.Answers, Created: r.Created}
		if a.Match(rc) {
			out = append(out, rc)
		}
	}
	last := int64(zs[len(zs)-1].Score)
	same := int64(0)
	for i := len(zs) - 1; i >= 0 && int64(zs[i].Score) == last; i-- {
		same++
	}
	if last == score {
		same += skip
	}
	next := strconv.FormatInt(last, 10) + ":" + strconv.FormatInt(same, 10)
	return out, next, len(zs) < n, nil
}

// CountAudience counts an audience by language, in batches of n. It
// returns the store's error (wrapped).
func (s *Store) CountAudience(ctx context.Context, a broadcast.Audience, n int) (map[string]int, error) {
	out := map[string]int{}
	cursor := ""
	for {
		rs, next, done, err := s.AudienceBatch(ctx, a, cursor, n)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			out[string(r.Lang)]++
		}
		if done {
			return out, nil
		}
		cursor = next
	}
}

// decodeSubscriber reads a subscriber's field: "<lang> <number> <ms>".
func decodeSubscriber(p, v string) (broadcast.Recipient, bool) {
	f := strings.Fields(v)
	if len(f) != 3 {
		return broadcast.Recipient{}, false
	}
	ms, _ := strconv.ParseInt(f[2], 10, 64)
	return broadcast.Recipient{Person: msg.PersonID(p), Lang: msg.Lang(f[0]), Phone: msg.Address(f[1]), Created: time.UnixMilli(ms).UTC()}, true
}
