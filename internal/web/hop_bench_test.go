package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/providertest"
	"github.com/passerelle/passerelle/internal/provider/twilio"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// roundTrips counts the commands and pipelines the store sends to Redis
// (n), and the commands each carried, in order (sizes).
type roundTrips struct {
	n     atomic.Int64
	mu    sync.Mutex
	sizes []int
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.add(len(cmds)); return next(ctx, cmds) }
}

func (r *roundTrips) add(cmds int) {
	r.mu.Lock()
	r.sizes = append(r.sizes, cmds)
	r.n.Add(1) // after sizes grew: sizesFrom(n.Load()) is always in range
	r.mu.Unlock()
}

// sizesFrom returns the commands of each round trip from the i-th on.
func (r *roundTrips) sizesFrom(i int64) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sizes[i:])
}

// BenchmarkUSSDHop measures one whole hop through the Fiber app (app.Test,
// no network), the chat service and the real Redis: a person answering the
// main menu of a new session, over and over with new people. It reports the
// Redis round trips per hop.
func BenchmarkUSSDHop(b *testing.B) {
	s := newServerLog(b, apptest.Discard())
	benchHops(b, s, func(n, i int) *http.Request {
		phone := "+2376" + strconv.Itoa(10000000+n)
		return postForm(providertest.USSDPath, ussdForm("B"+strconv.Itoa(n), phone, []string{"", "1"}[i]).Encode())
	})
}

// benchHops runs two hops a loop, req(n, 0) then req(n, 1) for the loop's
// n-th person, through s's Fiber app, and reports allocations and the
// Redis round trips per hop.
func benchHops(b *testing.B, s *testServer, req func(n, i int) *http.Request) {
	b.Helper()
	rt := &roundTrips{}
	s.Redis.AddHook(rt)
	b.ReportAllocs()
	n, hops := 0, 0
	for b.Loop() {
		n++
		for i := range 2 {
			resp, err := s.srv.App().Test(req(n, i), -1)
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
// makes exactly 2 Redis round trips (load, then commit), on one node and
// on a Cluster (the funnel is counted in the gateway, funnel.go): a load
// of 3 plain reads (the conversation and language, the quota, the
// registration's reference), then the commit script.
func TestUSSDHopRoundTrips(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	const want = 2
	rt := &roundTrips{}
	s.Redis.AddHook(rt)
	s.ussd(t, "RT0", "+237670000554", "") // the server may not have the scripts cached yet
	for i, text := range []string{"", "1", "1*1", "1*1*1", "1*1*1*Awa"} {
		before := rt.n.Load()
		if st, body := s.ussd(t, "RT1", "+237670000555", text); st != 200 || !strings.HasPrefix(body, "CON ") {
			t.Fatalf("hop %d: %d %q", i, st, body)
		}
		if got := rt.n.Load() - before; got != want {
			t.Fatalf("hop %d made %d Redis round trips, want %d", i, got, want)
		}
		if got := rt.sizesFrom(before); !slices.Equal(got, []int{3, 1}) {
			t.Fatalf("hop %d sent %v commands a round trip, want [3 1]", i, got)
		}
	}
}

// Twilio's webhook as the SMS round-trip test signs it.
const (
	smsToken     = "twilio-auth-token-0123456789abcdef"
	smsPublicURL = "https://gw.example.org"
)

// newSMSServer is newServer with Twilio's signed inbound webhook mounted
// beside the test USSD route.
func newSMSServer(tb testing.TB) *testServer {
	tb.Helper()
	s := newServer(tb)
	routes := append([]provider.Route{providertest.USSDRoute()}, twilio.Routes(twilio.Config{AuthToken: smsToken, PublicURL: smsPublicURL})...)
	s.srv = web.New(web.Config{Conversations: s.Service, Log: apptest.Discard(), Now: s.Clock.Now, Routes: routes})
	return s
}

// sms posts one signed inbound message (MessageSid sid) and returns status
// and body.
func (s *testServer) sms(tb testing.TB, sid, from, body string) (int, string) {
	tb.Helper()
	form := url.Values{"MessageSid": {sid}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "From": {from},
		"To": {"+237699000000"}, "Body": {body}, "NumMedia": {"0"}}
	req := postForm("/sms/twilio", form.Encode())
	req.Header.Set("X-Twilio-Signature", twilioSignature(smsToken, smsPublicURL+"/sms/twilio", form))
	st, out, _ := s.do(tb, req)
	return st, out
}

// twilioSignature signs a webhook as Twilio documents it: HMAC-SHA1 over
// the URL then each key and value in key order.
func twilioSignature(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(u))
	for _, k := range keys {
		for _, v := range form[k] {
			m.Write([]byte(k + v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// BenchmarkSMSHop is BenchmarkUSSDHop for SMS: a new person's first
// message and their answer to it, each a signed Twilio webhook.
func BenchmarkSMSHop(b *testing.B) {
	s := newSMSServer(b)
	benchHops(b, s, func(n, i int) *http.Request {
		form := url.Values{"MessageSid": {"SMB" + strconv.Itoa(n) + "x" + strconv.Itoa(i)}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"},
			"From": {"+2376" + strconv.Itoa(10000000+n)}, "To": {"+237699000000"}, "Body": {[]string{"Bonjour", "1"}[i]}, "NumMedia": {"0"}}
		req := postForm("/sms/twilio", form.Encode())
		req.Header.Set("X-Twilio-Signature", twilioSignature(smsToken, smsPublicURL+"/sms/twilio", form))
		return req
	})
}

// TestSMSHopRoundTrips holds the design budget for SMS: a message on the
// common path makes exactly 2 Redis round trips (the load, which also
// answers provider retries from the reply cache and counts the flood
// limit, then the commit); a provider retry of it makes 1 and changes
// nothing. The load is 5 plain reads: one MGET of the conversation, the
// language, the flood limit and the campaign's reply window, the quota,
// the registration's reference, the cached reply and Redis's clock (on a
// Cluster, where the window lives in another slot, 6: its own MGET, and
// the clock read by a script on the person's node).
func TestSMSHopRoundTrips(t *testing.T) {
	t.Parallel()
	s := newSMSServer(t)
	rt := &roundTrips{}
	s.Redis.AddHook(rt)
	if st, _ := s.sms(t, "SMRT0", "+237670000556", "Bonjour"); st != 200 { // the server may not have the scripts cached yet
		t.Fatalf("warm-up: %d", st)
	}
	const from = "+237670000557"
	const want = 2
	for i, text := range []string{"Bonjour", "1", "1", "Awa Ngono"} {
		sid := "SMRT1" + strconv.Itoa(i)
		before := rt.n.Load()
		st, body := s.sms(t, sid, from, text)
		if st != 200 || !strings.Contains(body, "<Message>") {
			t.Fatalf("message %d: %d %q", i, st, body)
		}
		if got := rt.n.Load() - before; got != want {
			t.Fatalf("message %d made %d Redis round trips, want %d", i, got, want)
		}
		wantLoad := 5
		if s.Store.SplitCommit() {
			wantLoad = 6
		}
		if got := rt.sizesFrom(before); got[0] != wantLoad {
			t.Fatalf("message %d: its load sent %d commands, want %d", i, got[0], wantLoad)
		}
		keys := s.Keys(t)
		before = rt.n.Load()
		if st, again := s.sms(t, sid, from, text); st != 200 || again != body {
			t.Fatalf("retry of message %d: %d %q, want %q", i, st, again, body)
		}
		if got := rt.n.Load() - before; got != 1 {
			t.Fatalf("retry of message %d made %d Redis round trips, want 1", i, got)
		}
		if after := s.Keys(t); strings.Join(after, " ") != strings.Join(keys, " ") {
			t.Fatalf("retry of message %d changed the keys: %v, then %v", i, keys, after)
		}
	}
}
