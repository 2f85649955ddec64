package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// Call-back requests share the hash tag {g}:
//
//	cb:{g}:<ref>      hash ref, person, phone, lang, region, topic, created, done
//	cbopen:{g}        sorted set of open refs by created unix ms
//	cball:{g}         sorted set of every ref by created unix ms
//	cbp:{g}           hash person → space-separated refs (for erasure)

func (k keyspace) callback(ref string) string { return k.prefix + "cb:{g}:" + ref }
func (k keyspace) cbOpen() string             { return k.prefix + "cbopen:{g}" }
func (k keyspace) cbAll() string              { return k.prefix + "cball:{g}" }
func (k keyspace) cbPerson() string           { return k.prefix + "cbp:{g}" }

// saveCallbackScript stores a request unless its ref is taken.
// KEYS: 1 hash, 2 open, 3 all, 4 person index. ARGV: 1 ms, 2 person, 3 ttl s,
// 4… field/value pairs.
var saveCallbackScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
local h = {}
for i = 4, #ARGV do h[#h + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(h))
redis.call('EXPIRE', KEYS[1], ARGV[3])
local ref = redis.call('HGET', KEYS[1], 'ref')
redis.call('ZADD', KEYS[2], ARGV[1], ref)
redis.call('ZADD', KEYS[3], ARGV[1], ref)
local old = redis.call('HGET', KEYS[4], ARGV[2])
if old then ref = old .. ' ' .. ref end
redis.call('HSET', KEYS[4], ARGV[2], ref)
return 0
`)

// SaveCallback stores a call-back request, kept for the store's retention
// (WithRetention). It returns msg.ErrRefTaken (wrapped) when the reference
// is already used, or the store's error.
func (s *Store) SaveCallback(ctx context.Context, c msg.Callback) error {
	if c.Ref == "" {
		return errors.New("error saving call-back: no reference")
	}
	keys := []string{s.keys.callback(c.Ref), s.keys.cbOpen(), s.keys.cbAll(), s.keys.cbPerson()}
	n, err := saveCallbackScript.Run(ctx, s.rdb, keys, c.Created.UnixMilli(), string(c.Person), s.callbackTTLSeconds(),
		"ref", c.Ref, "person", string(c.Person), "phone", string(c.Phone), "lang", string(c.Lang),
		"region", c.Region, "topic", c.Topic, "created", c.Created.UTC().Format(createdLayout)).Int()
	if err != nil {
		return fmt.Errorf("error saving call-back: %w", err)
	}
	if n == 1 {
		return fmt.Errorf("error saving call-back: %w", msg.ErrRefTaken)
	}
	return nil
}

// priorityTopics are the topics of urgent call-back requests: the
// emergency page's ("request_callback:emergency" in flows/support.yaml).
var priorityTopics = map[string]bool{"emergency": true}

// CallbackPriority tells whether a call-back request is urgent (its topic is
// "emergency"): staff see it before every other open request.
func (s *Store) CallbackPriority(c msg.Callback) bool { return priorityTopics[c.Topic] }

// Callbacks returns call-back requests and how many there are: the open ones,
// urgent ones first (CallbackPriority), each group newest first; or, when
// all is set, every request, newest first. Refs whose hash has expired are
// dropped from the sorted sets when a listing meets them, so that the total
// and the pages count only requests that exist. It returns the store's
// error (wrapped).
func (s *Store) Callbacks(ctx context.Context, all bool, offset, limit int) ([]msg.Callback, int, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	if !all {
		out, total, err := s.openCallbacks(ctx, offset, limit)
		if err != nil {
			return nil, 0, fmt.Errorf("error listing call-backs: %w", err)
		}
		return out, total, nil
	}
	set := s.keys.cbAll()
	for attempt := 0; ; attempt++ {
		out, missing, total, err := s.callbackPage(ctx, set, offset, limit)
		if err != nil {
			return nil, 0, fmt.Errorf("error listing call-backs: %w", err)
		}
		if len(missing) == 0 || attempt == maxCallbackPageReads-1 {
			return out, max(total-len(missing), 0), nil
		}
		if _, err := s.dropCallbacks(ctx, missing, time.Time{}); err != nil {
			return nil, 0, fmt.Errorf("error listing call-backs: %w", err)
		}
	}
}

// openCallbacks returns a page of the open requests, urgent ones first, and
// how many are open. Urgency is in each request's hash, not in the open
// set's scores (creation times), so it reads the topic of every open request
// (one pipeline: staff's queue of open requests is in the thousands at
// most), then the page's requests (another); refs whose hash is gone are
// dropped from the sets.
func (s *Store) openCallbacks(ctx context.Context, offset, limit int) ([]msg.Callback, int, error) {
	refs, err := s.rdb.ZRevRange(ctx, s.keys.cbOpen(), 0, -1).Result()
	if err != nil {
		return nil, 0, err
	}
	heads := make([]*redis.SliceCmd, len(refs))
	if _, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, ref := range refs {
			heads[i] = pipe.HMGet(ctx, s.keys.callback(ref), "ref", "topic")
		}
		return nil
	}); err != nil {
		return nil, 0, err
	}
	var urgent, other, missing []string
	for i, ref := range refs {
		v := heads[i].Val()
		if len(v) != 2 || v[0] == nil {
			missing = append(missing, ref) // expired
			continue
		}
		if topic, _ := v[1].(string); priorityTopics[topic] {
			urgent = append(urgent, ref)
		} else {
			other = append(other, ref)
		}
	}
	if _, err := s.dropCallbacks(ctx, missing, time.Time{}); err != nil {
		return nil, 0, err
	}
	ordered := append(urgent, other...)
	total := len(ordered)
	page := ordered[min(offset, total):min(offset+limit, total)]
	cmds := make([]*redis.MapStringStringCmd, len(page))
	if _, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, ref := range page {
			cmds[i] = pipe.HGetAll(ctx, s.keys.callback(ref))
		}
		return nil
	}); err != nil {
		return nil, 0, err
	}
	out := make([]msg.Callback, 0, len(page))
	for _, c := range cmds {
		if h := c.Val(); len(h) > 0 {
			out = append(out, decodeCallback(h))
		} else {
			total-- // erased or expired since its topic was read
		}
	}
	return out, total, nil
}

// maxCallbackPageReads bounds how many times Callbacks reads a page again
// after dropping expired refs (each read drops every expired ref it meets).
const maxCallbackPageReads = 4

// callbackPage reads one page of set, newest first, and the set's size, and
// returns the requests found and the refs whose hash is gone.
func (s *Store) callbackPage(ctx context.Context, set string, offset, limit int) ([]msg.Callback, []string, int, error) {
	var r *redis.StringSliceCmd
	var n *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		r = pipe.ZRevRange(ctx, set, int64(offset), int64(offset+limit-1))
		n = pipe.ZCard(ctx, set)
		return nil
	})
	if err != nil {
		return nil, nil, 0, err
	}
	refs, total := r.Val(), n.Val()
	cmds := make([]*redis.MapStringStringCmd, len(refs))
	if _, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, ref := range refs {
			cmds[i] = pipe.HGetAll(ctx, s.keys.callback(ref))
		}
		return nil
	}); err != nil {
		return nil, nil, 0, err
	}
	out := make([]msg.Callback, 0, len(refs))
	var missing []string
	for i, c := range cmds {
		h := c.Val()
		if len(h) == 0 {
			missing = append(missing, refs[i]) // expired
			continue
		}
		out = append(out, decodeCallback(h))
	}
	return out, missing, int(total), nil
}

// CloseCallback marks a request done. It returns msg.ErrNotFound (wrapped)
// for an unknown, expired or erased ref, or the store's error.
func (s *Store) CloseCallback(ctx context.Context, ref string, at time.Time) error {
	return s.setCallback(ctx, ref, "done", "done", at.UTC().Format(createdLayout))
}

func decodeCallback(h map[string]string) msg.Callback {
	c := msg.Callback{Ref: h["ref"], Person: msg.PersonID(h["person"]), Phone: msg.Address(h["phone"]),
		Lang: msg.Lang(h["lang"]), Region: h["region"], Topic: h["topic"], Assignee: h["assignee"], Note: h["note"]}
	c.Created, _ = time.Parse(createdLayout, h["created"])
	c.Done, _ = time.Parse(createdLayout, h["done"])
	return c
}
