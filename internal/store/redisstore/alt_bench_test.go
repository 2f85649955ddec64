package redisstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// redisCPU returns Redis's CPU time (user and system) and its commands
// run so far (scripts' inner commands included).
func redisCPU(tb testing.TB, c redis.UniversalClient) (time.Duration, int64) {
	tb.Helper()
	ctx := context.Background()
	info, err := c.Info(ctx, "cpu", "commandstats").Result()
	if err != nil {
		tb.Fatal(err)
	}
	var cpu float64
	var cmds int64
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "used_cpu_sys:"); ok {
			f, _ := strconv.ParseFloat(v, 64)
			cpu += f
		}
		if v, ok := strings.CutPrefix(l, "used_cpu_user:"); ok {
			f, _ := strconv.ParseFloat(v, 64)
			cpu += f
		}
		if strings.HasPrefix(l, "cmdstat_") && !strings.HasPrefix(l, "cmdstat_info:") {
			_, rest, _ := strings.Cut(l, "calls=")
			n, _, _ := strings.Cut(rest, ",")
			k, _ := strconv.ParseInt(n, 10, 64)
			cmds += k
		}
	}
	return time.Duration(cpu * float64(time.Second)), cmds
}

// BenchmarkHopRedisCPU compares, in Redis CPU per hop (redis_µs/hop) and
// Redis commands per hop, ways to write a USSD hop of the common path
// (state, language, funnel count) after its load:
//   - script: what Commit does (the compare-and-set in hopScript);
//   - watch-multi: WATCH pipelined with the load's reads on a pinned
//     connection, then MULTI/EXEC (the compare-and-set by WATCH);
//   - no-cas: the same writes in a plain pipeline, without any
//     compare-and-set: a lower bound, not a correct hop.
//
// Redis CPU counts everything the server does, so run it on a Redis of its
// own: PASSERELLE_TEST_REDIS_URL=redis://127.0.0.1:6390/0 go test -run XXX
// -bench HopRedisCPU -benchtime 20000x ./internal/store/redisstore/
func BenchmarkHopRedisCPU(b *testing.B) {
	ctx := context.Background()
	s, urdb, prefix := mustStore(b)
	rdb, ok := urdb.(*redis.Client)
	if !ok {
		b.Skip("measured on one node")
	}
	const people = 1000
	state := func(v int64) string { return strconv.FormatInt(v, 10) + ":" + string(benchState) }
	keys := func(i int) (conv, person, quota string) {
		t := "{p" + strconv.Itoa(i%people) + "}"
		return prefix + "conv:" + t, prefix + "person:" + t, prefix + "quota:" + t
	}
	stats, regp := prefix+"stats:{g}", prefix+"regp:{g}"
	measure := func(b *testing.B, hop func(i int)) {
		b.Helper()
		hop(0)
		cpu0, n0 := redisCPU(b, rdb)
		i := 0
		for b.Loop() {
			i++
			hop(i)
		}
		cpu1, n1 := redisCPU(b, rdb)
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(i), "redis_µs/hop")
		b.ReportMetric(float64(n1-n0)/float64(i), "cmds/hop")
	}
	b.Run("script", func(b *testing.B) {
		ps := make([]msg.PersonID, people)
		for i := range ps {
			ps[i] = person(300000 + i)
		}
		measure(b, func(i int) {
			p := ps[i%people]
			c, err := s.Load(ctx, p, "")
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Commit(ctx, p, msg.Change{Version: c.Version, State: benchState, StateTTL: 10 * time.Minute,
				Reached: "reference:n" + strconv.Itoa(i%7)}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("watch-multi", func(b *testing.B) {
		measure(b, func(i int) {
			conv, person, quota := keys(i)
			cn := rdb.Conn()
			defer cn.Close()
			var vals *redis.SliceCmd
			if _, err := cn.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.Do(ctx, "WATCH", conv)
				vals = p.MGet(ctx, conv, person)
				p.HGetAll(ctx, quota)
				p.HGet(ctx, regp, conv)
				return nil
			}); err != nil && err != redis.Nil {
				b.Fatal(err)
			}
			var v int64
			if raw, ok := vals.Val()[0].(string); ok {
				n, _, _ := strings.Cut(raw, ":")
				v, _ = strconv.ParseInt(n, 10, 64)
			}
			if _, err := cn.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, conv, state(v+1), 10*time.Minute)
				p.HIncrBy(ctx, stats, "reached|reference:n"+strconv.Itoa(i%7), 1)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("no-cas", func(b *testing.B) {
		measure(b, func(i int) {
			conv, person, quota := keys(i)
			var vals *redis.SliceCmd
			if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				vals = p.MGet(ctx, conv, person)
				p.HGetAll(ctx, quota)
				p.HGet(ctx, regp, conv)
				return nil
			}); err != nil && err != redis.Nil {
				b.Fatal(err)
			}
			_ = vals
			if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, conv, state(int64(i)), 10*time.Minute)
				p.HIncrBy(ctx, stats, "reached|reference:n"+strconv.Itoa(i%7), 1)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		})
	})
}
