package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
)

// Campaigns share the hash tag {g}:
//
//	camp:{g}:<id>      hash: def (the campaign as JSON), st (state), cursor
//	                      (where the audience's expansion stands), exhausted,
//	                      rflow, rnode, rwin (reply window ms)
//	camps:{g}          sorted set of ids by creation ms
//	campstat:{g}:<id>  hash of counters (audience, queued, pending, sent, …)
//	camprc:{g}:<id>    hash person → message id: each recipient queued once
//	camprsp:{g}:<id>   hash person → answers of a reply flow (JSON)
//	camplock:{g}:<id>  the worker expanding the audience now
//	campactive:{g}     set of the campaigns scheduled, sending or paused
//	                      (camprc of a finished campaign expires after the
//	                      outbox retention)
//
// and, per person, cr:{g}:<p> (the campaign whose reply window is open:
// "<id>|<flow>|<node>") and crp:{g}:<p> (the campaigns they answered, for
// erasure). Subscribers who asked for information messages without
// registering are sub:{g}, a hash person → "<lang> <number> <ms>".

func (k keyspace) camp(id string) string      { return k.prefix + "camp:{g}:" + id }
func (k keyspace) camps() string              { return k.prefix + "camps:{g}" }
func (k keyspace) campStat(id string) string  { return k.prefix + "campstat:{g}:" + id }
func (k keyspace) campRcpt(id string) string  { return k.prefix + "camprc:{g}:" + id }
func (k keyspace) campReply(id string) string { return k.prefix + "camprsp:{g}:" + id }
func (k keyspace) campLock(id string) string  { return k.prefix + "camplock:{g}:" + id }
func (k keyspace) subs() string               { return k.prefix + "sub:{g}" }
func (k keyspace) campActive() string         { return k.prefix + "campactive:{g}" }
func (k keyspace) campWindow(p msg.PersonID) string {
	return k.prefix + "cr:{g}:" + string(p)
}

// CreateCampaign stores a new draft campaign (c.ID must be set) and audits
// it under who. It returns the store's error (wrapped).
func (s *Store) CreateCampaign(ctx context.Context, c broadcast.Campaign, who string) error {
	if c.ID == "" {
		return errors.New("error creating campaign: no id")
	}
	def, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("error encoding campaign: %w", err)
	}
	fields := []any{"def", string(def), "st", string(broadcast.Draft), "created", c.Created.UnixMilli(), "updated", c.Created.UnixMilli()}
	if c.Reply != nil {
		w, _ := time.ParseDuration(c.Reply.Window)
		fields = append(fields, "rflow", c.Reply.Flow, "rnode", c.Reply.Node, "rwin", w.Milliseconds())
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.keys.camp(c.ID), fields...)
		p.ZAdd(ctx, s.keys.camps(), redis.Z{Score: float64(c.Created.UnixMilli()), Member: c.ID})
		s.audit(ctx, p, who, c.Created, "campaign_create", "campaign", c.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error creating campaign: %w", err)
	}
	return nil
}

// audit appends an entry to the audit stream in a pipeline.
func (s *Store) audit(ctx context.Context, p redis.Pipeliner, who string, at time.Time, action string, kv ...string) {
	vals := []any{"who", who, "at", at.UTC().Format(time.RFC3339), "action", action}
	for _, v := range kv {
		vals = append(vals, v)
	}
	p.XAdd(ctx, &redis.XAddArgs{Stream: s.keys.audit(), MaxLen: AuditMaxLen, Approx: true, Values: vals})
}

// Campaign returns a campaign with its state and counts, or msg.ErrNotFound
// (wrapped). It returns the store's error (wrapped).
func (s *Store) Campaign(ctx context.Context, id string) (broadcast.Campaign, error) {
	var h *redis.MapStringStringCmd
	var st *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, s.keys.camp(id))
		st = p.HGetAll(ctx, s.keys.campStat(id))
		return nil
	})
	if err != nil {
		return broadcast.Campaign{}, fmt.Errorf("error reading campaign: %w", err)
	}
	if len(h.Val()) == 0 {
		return broadcast.Campaign{}, fmt.Errorf("error reading campaign %s: %w", id, msg.ErrNotFound)
	}
	return decodeCampaign(h.Val(), st.Val())
}

func decodeCampaign(h, stat map[string]string) (broadcast.Campaign, error) {
	var c broadcast.Campaign
	if err := json.Unmarshal([]byte(h["def"]), &c); err != nil {
		return c, fmt.Errorf("error decoding campaign: %w", err)
	}
	c.State = broadcast.State(h["st"])
	if ms, err := strconv.ParseInt(h["updated"], 10, 64); err == nil {
		c.Updated = time.UnixMilli(ms).UTC()
	}
	n := func(k string) int64 { v, _ := strconv.ParseInt(stat[k], 10, 64); return v }
	c.Counts = broadcast.Counts{
		Audience: n("audience"), Queued: n("queued"), Sent: n("sent"), Delivered: n("delivered"), Failed: n("failed"),
		Undelivered: n("undelivered"), Skipped: n("skipped"), DeferredQuiet: n("deferred_quiet"),
		DeferredSession: n("deferred_session"), Unknown: n("unknown"), Dead: n("dead"), Cancelled: n("cancelled"),
		Replies: n("replies"),
	}
	return c, nil
}

// ActiveCampaigns returns the campaigns scheduled, sending or paused, the
// ones the runner looks at. It returns the store's error (wrapped).
func (s *Store) ActiveCampaigns(ctx context.Context) ([]broadcast.Campaign, error) {
	keys, err := s.rdb.SMembers(ctx, s.keys.campActive()).Result()
	if err != nil {
		return nil, fmt.Errorf("error listing active campaigns: %w", err)
	}
	out := make([]broadcast.Campaign, 0, len(keys))
	for _, k := range keys {
		c, err := s.Campaign(ctx, strings.TrimPrefix(k, s.keys.prefix+"camp:{g}:"))
		if errors.Is(err, msg.ErrNotFound) {
			s.rdb.SRem(ctx, s.keys.campActive(), k)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Campaigns returns every campaign, newest first. It returns the store's
// error (wrapped).
func (s *Store) Campaigns(ctx context.Context) ([]broadcast.Campaign, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.keys.camps(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("error listing campaigns: %w", err)
	}
	out := make([]broadcast.Campaign, 0, len(ids))
	for _, id := range ids {
		c, err := s.Campaign(ctx, id)
		if errors.Is(err, msg.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// setStateScript moves a campaign from one of the expected states to
// another, keeps the set of active campaigns (those the runner looks at),
// and lets a finished campaign's record of recipients expire.
// KEYS: 1 campaign, 2 active set, 3 recipients. ARGV: 1 new state, 2 now
// ms, 3 recipients' ttl ms once finished, 4… expected states.
var setStateScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'st')
if not st then return -1 end
for i = 4, #ARGV do
  if ARGV[i] == st then
    redis.call('HSET', KEYS[1], 'st', ARGV[1], 'updated', ARGV[2])
    if ARGV[1] == 'done' or ARGV[1] == 'cancelled' then
      redis.call('SREM', KEYS[2], KEYS[1])
      redis.call('PEXPIRE', KEYS[3], ARGV[3])
    else
      redis.call('SADD', KEYS[2], KEYS[1])
    end
    return 1
  end
end
return 0
`)

// ErrStateChanged is returned when a campaign is no longer in the state an
// action expected.
var ErrStateChanged = broadcast.ErrStateRace

// SetCampaignState moves campaign id to state to when it is in one of from,
// and audits the change under who (unless who is empty: the workers'
// own moves). It returns msg.ErrNotFound or ErrStateChanged (wrapped), or
// the store's error.
func (s *Store) SetCampaignState(ctx context.Context, id string, from []broadcast.State, to broadcast.State, who string, at time.Time) error {
	args := []any{string(to), at.UnixMilli(), ttlMillis(s.outboxRetention, DefaultOutboxRetention)}
	for _, f := range from {
		args = append(args, string(f))
	}
	n, err := setStateScript.Run(ctx, s.rdb, []string{s.keys.camp(id), s.keys.campActive(), s.keys.campRcpt(id)}, args...).Int()
	if err != nil {
		return fmt.Errorf("error setting campaign state: %w", err)
	}
	switch n {
	case -1:
		return fmt.Errorf("error setting campaign %s state: %w", id, msg.ErrNotFound)
	case 0:
		return fmt.Errorf("error setting campaign %s state: %w", id, ErrStateChanged)
	}
	if who != "" {
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			s.audit(ctx, p, who, at, "campaign_"+string(to), "campaign", id)
			return nil
		})
		if err != nil {
			return fmt.Errorf("error auditing campaign state: %w", err)
		}
	}
	return nil
}

// CampaignProgress returns where the expansion of a campaign's audience
// stands (cursor, exhausted) and how many of its messages are queued and
// not yet settled. It returns the store's error (wrapped).
func (s *Store) CampaignProgress(ctx context.Context, id string) (cursor string, exhausted bool, pending int64, err error) {
	var h *redis.SliceCmd
	var p *redis.StringCmd
	_, err = s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		h = pipe.HMGet(ctx, s.keys.camp(id), "cursor", "exhausted")
		p = pipe.HGet(ctx, s.keys.campStat(id), "pending")
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", false, 0, fmt.Errorf("error reading campaign progress: %w", err)
	}
	v := h.Val()
	if len(v) == 2 {
		cursor, _ = v[0].(string)
		e, _ := v[1].(string)
		exhausted = e == "1"
	}
	pending, _ = strconv.ParseInt(p.Val(), 10, 64)
	return cursor, exhausted, pending, nil
}

// SetCampaignAudience records the audience's size counted at start.
func (s *Store) SetCampaignAudience(ctx context.Context, id string, n int) error {
	if err := s.rdb.HSet(ctx, s.keys.campStat(id), "audience", n).Err(); err != nil {
		return fmt.Errorf("error recording audience: %w", err)
	}
	return nil
}

// LockCampaign takes the right to expand a campaign's audience for ttl; it
// tells whether it was taken. UnlockCampaign gives it back.
func (s *Store) LockCampaign(ctx context.Context, id, owner string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.keys.campLock(id), owner, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("error locking campaign: %w", err)
	}
	return ok, nil
}

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// UnlockCampaign releases a lock taken by owner.
func (s *Store) UnlockCampaign(ctx context.Context, id, owner string) error {
	if err := unlockScript.Run(ctx, s.rdb, []string{s.keys.campLock(id)}, owner).Err(); err != nil {
		return fmt.Errorf("error unlocking campaign: %w", err)
	}
	return nil
}

// OpenCampaignWindow opens a campaign's reply window for a person until
// until, as sending the campaign's message does: their next SMS enters
// flow:node. For the simulator and tests. It returns the store's error
// (wrapped).
func (s *Store) OpenCampaignWindow(ctx context.Context, p msg.PersonID, campaign, flow, node string, until time.Time, now time.Time) error {
	d := until.Sub(now)
	if d <= 0 {
		return nil
	}
	v := campaign + "|" + flow + "|" + node + "|" + strconv.FormatInt(until.UnixMilli(), 10)
	if err := s.rdb.Set(ctx, s.keys.campWindow(p), v, d).Err(); err != nil {
		return fmt.Errorf("error opening reply window: %w", err)
	}
	return nil
}

// CampaignReplies returns the answers people gave in a campaign's reply
// flow. It returns the store's error (wrapped).
func (s *Store) CampaignReplies(ctx context.Context, id string) ([]msg.CampaignAnswers, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.campReply(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("error reading campaign replies: %w", err)
	}
	out := make([]msg.CampaignAnswers, 0, len(h))
	for _, v := range h {
		var a msg.CampaignAnswers
		plain, err := s.openField("camprsp", v)
		if err != nil {
			return nil, fmt.Errorf("error reading campaign replies: %w", err)
		}
		if json.Unmarshal([]byte(plain), &a) == nil {
			a.Campaign = id
			out = append(out, a)
		}
	}
	return out, nil
}
