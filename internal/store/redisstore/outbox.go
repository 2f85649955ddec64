package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// The outbox shares the hash tag {g}:
//
//	ob:{g}:<lane>         stream, one entry per message to send, carrying it
//	                       whole: i (our id), t (number), x (text), p (keyed
//	                       hash), k (kind), c (campaign), r (resend unknown);
//	                       deleted once acknowledged
//	obm:{g}:<id>          hash, made when a send begins: st (state), n
//	                       (attempts), lane, kind, p, sid, err, pv, pid, upd;
//	                       the message itself (t, x, c, r) only while it
//	                       waits for a retry or lies in the dead letters; p
//	                       is dropped once settled; expires after the
//	                       outbox retention
//	obdelay:{g}:<lane>    sorted set of ids waiting for a retry, by due ms
//	obdead:{g}            stream of dead letters (i, lane, err)
//	obpid:{g}:<pv>:<pid>  our id of a provider's message id
//	obstats:{g}           hash <lane>:<counter>
//
// and obp:{g}:<p>, a hash of the person's unsettled messages (id → "<lane>
// <stream id> <campaign>"), which erasure reads to delete their stream
// entries and settle their counts; it lives at least as long as the records
// it points to. A
// queued message costs its stream entry and one field of obp:{g}:<p>, both in
// Redis's compact encodings; the hop's commit writes them in the same
// script as the hop's state.

// DefaultOutboxRetention is how long a message's record is kept by default.
const DefaultOutboxRetention = 7 * 24 * time.Hour

// DeadMaxLen caps the dead-letter stream (approximately).
const DeadMaxLen = 100000

// group is the consumer group of the outbox workers.
const group = "workers"

func (k keyspace) obStream(l msg.Lane) string { return k.prefix + "ob:{g}:" + string(l) }
func (k keyspace) obDelay(l msg.Lane) string  { return k.prefix + "obdelay:{g}:" + string(l) }
func (k keyspace) obDead() string             { return k.prefix + "obdead:{g}" }
func (k keyspace) obMsg(id string) string     { return k.prefix + "obm:{g}:" + id }
func (k keyspace) obPID(provider, pid string) string {
	return k.prefix + "obpid:{g}:" + provider + ":" + pid
}
func (k keyspace) obStats() string { return k.prefix + "obstats:{g}" }
func (k keyspace) optout() string  { return k.prefix + "optout:{g}" }

// enqueueLua queues one message (an obArg): its stream entry, the
// person's index and the lane's count. The entry's fields are the same for
// every message, so that the stream stores their names once.
const enqueueLua = `
local function enqueue(pfx, m, ttl, now)
  local sid = redis.call('XADD', pfx .. 'ob:{g}:' .. m.lane, '*', 'i', m.id, 't', m.to, 'x', m.text,
    'p', m.p, 'k', m.kind, 'c', m.camp, 'r', m.ru)
  if m.p ~= '' then
    local pk = pfx .. 'obp:{g}:' .. m.p
    redis.call('HSET', pk, m.id, m.lane .. ' ' .. sid .. ' ' .. m.camp)
    if redis.call('PTTL', pk) < tonumber(ttl) then redis.call('PEXPIRE', pk, ttl) end
  end
  redis.call('HINCRBY', pfx .. 'obstats:{g}', m.lane .. ':queued', 1)
end
`

// enqueueScript queues messages outside a hop. ARGV: 1 prefix, 2 JSON
// {msgs, mttl, now}.
var enqueueScript = redis.NewScript(enqueueLua + `
local a = cjson.decode(ARGV[2])
for _, m in ipairs(a.msgs) do enqueue(ARGV[1], m, a.mttl, a.now) end
return 0
`)

// Enqueue queues messages in the outbox in one atomic step, outside a hop
// (a flood notice, campaigns). It returns an error for a message without an
// id or recipient, or the store's error (wrapped).
func (s *Store) Enqueue(ctx context.Context, ms ...msg.Outbound) error {
	if len(ms) == 0 {
		return nil
	}
	a := fxArg{Now: strconv.FormatInt(time.Now().UnixMilli(), 10),
		MsgTTL: strconv.FormatInt(ttlMillis(s.outboxRetention, DefaultOutboxRetention), 10)}
	for _, m := range ms {
		o, err := obArgOf(m, m.Person)
		if err != nil {
			return err
		}
		a.Msgs = append(a.Msgs, o)
	}
	b, err := jsonString(a)
	if err != nil {
		return err
	}
	if err := enqueueScript.Run(ctx, s.rdb, []string{s.keys.obStats()}, s.keys.prefix, b).Err(); err != nil {
		return fmt.Errorf("error queueing messages: %w", err)
	}
	return nil
}

// OutboxInit creates the workers' consumer group on each lane's stream (a
// group that exists is kept). It returns the store's error (wrapped).
func (s *Store) OutboxInit(ctx context.Context) error {
	for _, l := range msg.Lanes {
		err := s.rdb.XGroupCreateMkStream(ctx, s.keys.obStream(l), group, "0").Err()
		if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
			return fmt.Errorf("error creating outbox group: %w", err)
		}
	}
	return nil
}

// OutboxRead reads up to count new entries of a lane for consumer, waiting
// up to block for one (no wait when block is negative). It returns the
// store's error (wrapped).
func (s *Store) OutboxRead(ctx context.Context, lane msg.Lane, consumer string, count int, block time.Duration) ([]outbox.Entry, error) {
	if block < 0 {
		block = -1
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{s.keys.obStream(lane), ">"}, Count: int64(count), Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("error reading outbox: %w", err)
	}
	var out []outbox.Entry
	for _, st := range res {
		out = appendEntries(out, st.Messages)
	}
	return out, nil
}

// OutboxClaim takes over up to count entries of a lane that another
// consumer read and left unacknowledged for at least minIdle (a worker that
// died). It returns the store's error (wrapped).
func (s *Store) OutboxClaim(ctx context.Context, lane msg.Lane, consumer string, minIdle time.Duration, count int) ([]outbox.Entry, error) {
	msgs, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: s.keys.obStream(lane), Group: group, Consumer: consumer, MinIdle: minIdle, Start: "0-0", Count: int64(count),
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("error claiming outbox entries: %w", err)
	}
	return appendEntries(nil, msgs), nil
}

func appendEntries(out []outbox.Entry, msgs []redis.XMessage) []outbox.Entry {
	for _, m := range msgs {
		v := func(k string) string { s, _ := m.Values[k].(string); return s }
		out = append(out, outbox.Entry{StreamID: m.ID, MsgID: v("i"), Message: msg.Outbound{
			ID: v("i"), To: msg.Address(v("t")), Text: v("x"), Person: msg.PersonID(v("p")),
			Kind: msg.Kind(v("k")), Campaign: v("c"), ResendUnknown: v("r") == "1",
		}})
	}
	return out
}

// jsonString marshals v for a script argument.
func jsonString(v any) (string, error) {
	b, err := jsonMarshal(v)
	if err != nil {
		return "", fmt.Errorf("error encoding script argument: %w", err)
	}
	return string(b), nil
}

// OutboxLeave removes a stopping consumer from the group when it holds no
// entry (a consumer with entries stays, for another to claim them), so that
// restarts do not pile up consumers. It returns the store's error
// (wrapped).
func (s *Store) OutboxLeave(ctx context.Context, consumer string) error {
	for _, l := range msg.Lanes {
		stream := s.keys.obStream(l)
		p, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: group, Start: "-", End: "+", Count: 1, Consumer: consumer}).Result()
		if err != nil && !isNoGroup(err) {
			return fmt.Errorf("error leaving the outbox group: %w", err)
		}
		if len(p) > 0 {
			continue
		}
		if err := s.rdb.XGroupDelConsumer(ctx, stream, group, consumer).Err(); err != nil && !isNoGroup(err) {
			return fmt.Errorf("error leaving the outbox group: %w", err)
		}
	}
	return nil
}
