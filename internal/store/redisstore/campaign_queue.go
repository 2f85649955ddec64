package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// queueCampaignScript queues a batch of a campaign's messages on the bulk
// lane, each recipient once (camprc), and moves the expansion's cursor, in
// one step; nothing is queued unless the campaign is still sending.
// KEYS: 1 campaign, 2 recipients, 3 stats. ARGV: 1 prefix, 2 JSON {msgs,
// mttl, now}, 3 cursor, 4 exhausted.
var queueCampaignScript = redis.NewScript(enqueueLua + `
if redis.call('HGET', KEYS[1], 'st') ~= 'sending' then return -1 end
local a = cjson.decode(ARGV[2])
local q = 0
if a.msgs then
  for _, m in ipairs(a.msgs) do
    -- Still registered or subscribed (an erasure may have come since the
    -- batch was read), and not queued before.
    local known = redis.call('HEXISTS', ARGV[1] .. 'regp:{g}', m.p) == 1 or
      redis.call('HEXISTS', ARGV[1] .. 'sub:{g}', m.p) == 1
    if known and redis.call('HSETNX', KEYS[2], m.p, m.id) == 1 then
      enqueue(ARGV[1], m, a.mttl, a.now)
      q = q + 1
    end
  end
end
if q > 0 then
  redis.call('HINCRBY', KEYS[3], 'queued', q)
  redis.call('HINCRBY', KEYS[3], 'pending', q)
end
redis.call('HSET', KEYS[1], 'cursor', ARGV[3])
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'exhausted', '1') end
return q
`)

// QueueCampaignBatch queues messages of campaign id on the bulk lane (each
// recipient at most once per campaign, whatever happens to the workers
// expanding it) and records where the expansion stands. It returns how many
// were queued, -1 when the campaign is no longer sending (nothing written),
// or the store's error (wrapped).
func (s *Store) QueueCampaignBatch(ctx context.Context, id string, ms []msg.Outbound, cursor string, exhausted bool) (int, error) {
	a := fxArg{Now: strconv.FormatInt(time.Now().UnixMilli(), 10),
		MsgTTL: strconv.FormatInt(ttlMillis(s.outboxRetention, DefaultOutboxRetention), 10)}
	for _, m := range ms {
		m.Lane, m.Campaign = msg.LaneBulk, id
		o, err := obArgOf(m, m.Person)
		if err != nil {
			return 0, err
		}
		a.Msgs = append(a.Msgs, o)
	}
	b, err := jsonString(a)
	if err != nil {
		return 0, err
	}
	ex := "0"
	if exhausted {
		ex = "1"
	}
	n, err := queueCampaignScript.Run(ctx, s.rdb, []string{s.keys.camp(id), s.keys.campRcpt(id), s.keys.campStat(id)},
		s.keys.prefix, b, cursor, ex).Int()
	if err != nil {
		return 0, fmt.Errorf("error queueing campaign batch: %w", err)
	}
	return n, nil
}
