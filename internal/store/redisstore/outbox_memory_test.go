package redisstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// queuedBudget is the design budget of Redis memory per queued message.
// A queued message is its stream entry (the stream stores the field names
// once) and one field of the person's index, a hash small enough for
// Redis's compact encoding; its record is made only when a send begins.
const queuedBudget = 512

// TestOutboxMemoryUsage queues 2000 conversation pages, each to a person
// of its own, and reports MEMORY USAGE per queued message (record, stream
// entry, the person's index of unsettled messages, counters) against the
// design budget.
func TestOutboxMemoryUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("queues 2000 messages")
	}
	t.Parallel()
	ctx := context.Background()
	// A short prefix like production's "psl:": key names count in MEMORY USAGE.
	rdb := mustClient(t)
	prefix := redistest.ShortPrefix(t, rdb)
	s := redisstore.New(rdb, prefix)
	const n = 2000
	// A page sent by SMS: one full GSM-7 segment.
	text := "Passerelle MINPMEESA/OIM: votre inscription PSL-00421 est enregistree. Un agent vous appellera sous 5 jours. " +
		"Infos: composez *384*123# ou le 8000 (gratuit)."
	text = (text + strings.Repeat(".", 160))[:160]
	if utf8.RuneCountInString(text) != 160 {
		t.Fatalf("text of %d characters", utf8.RuneCountInString(text))
	}
	const batch = 100
	ms := make([]msg.Outbound, 0, batch)
	ms0 := ""
	for i := range n {
		id := chat.NewMessageID()
		if i == 0 {
			ms0 = id
		}
		ms = append(ms, msg.Outbound{ID: id, To: phone(20000 + i), Person: person(20000 + i),
			Text: text, Lane: msg.LaneConversation, Kind: msg.KindPage})
		if len(ms) == batch {
			if err := s.Enqueue(ctx, ms...); err != nil {
				t.Fatal(err)
			}
			ms = ms[:0]
		}
	}
	// The workers' group exists in production: it costs the stream a little.
	if err := s.OutboxInit(ctx); err != nil {
		t.Fatal(err)
	}
	per, breakdown := memoryPerMessage(t, ctx, rdb, prefix, n)
	obm := prefix + "obm:{g}:" + ms0
	t.Logf("per queued message: %.0f B%s; budget %d", per, breakdown, queuedBudget)
	t.Logf("encodings: record %s, person index %s (hash-max-listpack-value %q)", rdb.ObjectEncoding(ctx, obm).Val(),
		rdb.ObjectEncoding(ctx, prefix+"obp:{g}:"+string(person(20000))).Val(), rdb.ConfigGet(ctx, "hash-max-listpack-value").Val()["hash-max-listpack-value"])
	if per > queuedBudget {
		t.Errorf("a queued message takes %.0f B, over the %d B budget", per, queuedBudget)
	}

	// Once sent, a record keeps its outcome (no number, text or person)
	// for the outbox retention, with the provider id's key: logged, as
	// retention times throughput is what it costs.
	w := outbox.New(s, outbox.SenderFunc(func(_ context.Context, m msg.Outbound) (string, error) {
		return "SM" + strings.Repeat("0", 12) + m.ID, nil
	}), outbox.Config{Provider: "twilio", Batch: 256, Log: slog.New(slog.DiscardHandler)})
	if got, err := w.Drain(ctx); err != nil || got != n {
		t.Fatalf("drained %d, %v", got, err)
	}
	per, breakdown = memoryPerMessage(t, ctx, rdb, prefix, n)
	t.Logf("per sent message kept: %.0f B%s; record encoding %s", per, breakdown, rdb.ObjectEncoding(ctx, obm).Val())
}

// memoryPerMessage sums MEMORY USAGE of every key under prefix, per
// message of n, and describes it per kind of key.
func memoryPerMessage(t *testing.T, ctx context.Context, rdb redis.UniversalClient, prefix string, n int) (float64, string) {
	t.Helper()
	usage, count := map[string]int64{}, map[string]int{}
	keys := scanKeys(t, rdb, prefix)
	cmds := make([]*redis.IntCmd, len(keys))
	pipe := rdb.Pipeline()
	for i, k := range keys {
		cmds[i] = pipe.MemoryUsage(ctx, k, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var total int64
	for i, k := range keys {
		kind := strings.SplitN(strings.TrimPrefix(k, prefix), ":", 2)[0]
		usage[kind] += cmds[i].Val()
		count[kind]++
		total += cmds[i].Val()
	}
	kinds := make([]string, 0, len(usage))
	for k := range usage {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&b, "; %s %.1f B (%d keys)", k, float64(usage[k])/float64(n), count[k])
	}
	return float64(total) / float64(n), b.String()
}
