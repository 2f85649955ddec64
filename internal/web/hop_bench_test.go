package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
)

// roundTrips counts the commands and pipelines the store sends to Redis.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

// BenchmarkUSSDHop measures one whole hop through the Fiber app (app.Test,
// no network), the chat service and the real Redis: a person answering the
// main menu of a new session, over and over with new people. It reports the
// Redis round trips per hop.
func BenchmarkUSSDHop(b *testing.B) {
	s := newServerLog(b, apptest.Discard())
	rt := &roundTrips{}
	s.Redis.AddHook(rt)
	var n int
	b.ReportAllocs()
	rt.n.Store(0)
	hops := 0
	for b.Loop() {
		n++
		phone := "+2376" + strconv.Itoa(10000000+n)
		sid := "B" + strconv.Itoa(n)
		for _, text := range []string{"", "1"} {
			req := postForm(providertest.USSDPath, ussdForm(sid, phone, text).Encode())
			resp, err := s.srv.App().Test(req, -1)
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatal(err)
			}
			resp.Body.Close()
			hops++
		}
	}
	b.ReportMetric(float64(rt.n.Load())/float64(hops), "redis_rt/hop")
}

// TestUSSDHopRoundTrips holds the design budget: a hop on the common path
// makes exactly 2 Redis round trips (load, then commit).
func TestUSSDHopRoundTrips(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	rt := &roundTrips{}
	s.Redis.AddHook(rt)
	s.ussd(t, "RT0", "+237670000554", "") // the server may not have the scripts cached yet
	for i, text := range []string{"", "1", "1*1", "1*1*1", "1*1*1*Awa"} {
		before := rt.n.Load()
		if st, body := s.ussd(t, "RT1", "+237670000555", text); st != 200 || !strings.HasPrefix(body, "CON ") {
			t.Fatalf("hop %d: %d %q", i, st, body)
		}
		if got := rt.n.Load() - before; got != 2 {
			t.Fatalf("hop %d made %d Redis round trips, want 2", i, got)
		}
	}
}
