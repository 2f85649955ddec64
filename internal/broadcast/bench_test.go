package broadcast_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// The helpers of this file work with testing.TB (benchmarks and tests
// alike); the rig of harness_test.go takes a *testing.T.

// registerPeople stores n registrations, person i with number phoneOf(i),
// from several goroutines at once (a 100,000-person audience in seconds).
// Every third is in English; regions alternate between "ouest" and
// "littoral", as the rig's register does. No conversation state is
// written: the session guard sees nobody in a conversation.
func registerPeople(tb testing.TB, st *redisstore.Store, h *msg.Hasher, n int) {
	tb.Helper()
	const par = 16
	ctx := context.Background()
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				reg := registrationOf(i, fmt.Sprintf("B%07d", i))
				if err := st.Commit(ctx, h.Person(reg.Phone), msg.Change{Registration: reg}); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		tb.Fatalf("registering %d people: %v", n, first)
	}
}

// startCampaign stores a campaign and moves it to sending, as rig.create
// does (the route ceiling is not checked against its rate).
func startCampaign(tb testing.TB, st *redisstore.Store, c broadcast.Campaign) broadcast.Campaign {
	tb.Helper()
	ctx := context.Background()
	if c.ID == "" {
		c.ID = "C" + strings.ToUpper(strconv.FormatInt(time.Now().UnixNano(), 16))
	}
	if c.Name == "" {
		c.Name = "Mesure"
	}
	if c.Texts == nil {
		c.Texts = map[string]string{"fr": "Formation a Bafoussam mardi a 10h.", "en": "Training in Bafoussam on Tuesday at 10."}
		c.Fallback = "fr"
	}
	c.Audience.Registered = true
	c.State, c.Created = broadcast.Draft, time.Now()
	if err := c.Validate(broadcast.Limits{MaxSegments: 3}); err != nil {
		tb.Fatal(err)
	}
	if err := st.CreateCampaign(ctx, c, "test"); err != nil {
		tb.Fatal(err)
	}
	if err := st.SetCampaignState(ctx, c.ID, []broadcast.State{broadcast.Draft}, broadcast.Sending, "test", time.Now()); err != nil {
		tb.Fatal(err)
	}
	return c
}

// instantSender is a provider that accepts every message at once: the
// benchmarks measure the pipeline (runner, Redis, throttle, worker), not
// HTTP.
var instantSender = outbox.SenderFunc(func(_ context.Context, m msg.Outbound) (string, error) {
	return "SM" + m.ID, nil
})

// pipelineWorker is an outbox worker tuned as the rig's (32 sends at once,
// batches of 256) sending through s, behind the shared throttle with the
// route ceiling; its claim idle time is 30 s (the rig's 5 s), beyond any
// chunk's wait for the limiter here (see TestCampaignSlowRateNotClaimed).
func pipelineWorker(st *redisstore.Store, s outbox.Sender, name string, ceiling float64) *outbox.Worker {
	return throttledWorker(st, st, s, name, ceiling)
}

// throttledWorker is pipelineWorker with the limiter th.
func throttledWorker(st *redisstore.Store, th broadcast.Reserver, s outbox.Sender, name string, ceiling float64) *outbox.Worker {
	return outbox.New(st, s, outbox.Config{
		Consumer: name, Provider: "twilio", Concurrency: 32, Batch: 256, Block: 50 * time.Millisecond,
		BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond, ClaimIdle: 30 * time.Second,
		Classify: sender.Classify, Throttle: broadcast.NewThrottle(th, "twilio", ceiling), Log: apptest.Discard(),
	})
}

// runPipeline runs a campaign runner and the workers until the returned
// stop is called (also at the end of the test); stop waits for them.
func runPipeline(tb testing.TB, st *redisstore.Store, ws ...*outbox.Worker) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	runner := broadcast.NewRunner(st, broadcast.RunnerConfig{Tick: 20 * time.Millisecond, Batch: 250, Log: apptest.Discard()})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runner.Run(ctx)
	}()
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(ctx); err != nil {
				tb.Error(err)
			}
		}()
	}
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	tb.Cleanup(stop)
	return stop
}

// waitCampaign polls the campaign every 10 ms until it is done or
// cancelled, and returns it; it fails tb after timeout.
func waitCampaign(tb testing.TB, st *redisstore.Store, id string, timeout time.Duration) broadcast.Campaign {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := st.Campaign(context.Background(), id)
		if err != nil {
			tb.Fatal(err)
		}
		if c.State == broadcast.Done || c.State == broadcast.Cancelled {
			return c
		}
		if time.Now().After(deadline) {
			tb.Fatalf("campaign still %s after %v: %+v", c.State, timeout, c.Counts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkCampaignOneWorker measures a campaign's whole pipeline with one
// worker: b.N registered recipients (registered before the timer starts),
// expanded by the runner into the bulk lane and sent through the shared
// throttle (rate and ceiling 1e6: never waiting) to a provider answering at
// once. Run with -benchtime 20000x.
func BenchmarkCampaignOneWorker(b *testing.B) { benchCampaign(b, 1) }

// BenchmarkCampaignTwoWorkers is BenchmarkCampaignOneWorker with two
// workers sharing the lane through the consumer group.
func BenchmarkCampaignTwoWorkers(b *testing.B) { benchCampaign(b, 2) }

func benchCampaign(b *testing.B, workers int) {
	a := apptest.New(b, nil)
	registerPeople(b, a.Store, a.Hasher, b.N)
	c := startCampaign(b, a.Store, broadcast.Campaign{Rate: 1e6})
	ws := make([]*outbox.Worker, workers)
	for i := range ws {
		ws[i] = pipelineWorker(a.Store, instantSender, fmt.Sprintf("bench%d", i+1), 1e6)
	}
	b.ResetTimer()
	start := time.Now()
	stop := runPipeline(b, a.Store, ws...)
	end := waitCampaign(b, a.Store, c.ID, time.Duration(b.N)*time.Millisecond+time.Minute)
	took := time.Since(start)
	b.StopTimer()
	stop()
	if end.State != broadcast.Done || end.Counts.Sent != int64(b.N) || end.Counts.Queued != int64(b.N) {
		b.Fatalf("campaign %s: %+v, want %d sent", end.State, end.Counts, b.N)
	}
	b.ReportMetric(float64(b.N)/took.Seconds(), "msgs/s")
}

// TestCampaignMemory100k measures what a 100,000-recipient campaign costs:
// Redis memory per recipient (MEMORY USAGE of the campaign's own keys and
// of the outbox keys it leaves, grouped by kind; INFO used_memory before,
// at its peak during the run, and after) and the Go heap of the process
// running the runner and the worker (sampled every 50 ms). It sends through
// a provider answering at once. The figures are logged, not asserted. It
// takes a minute or two: set PASSERELLE_MEASURE=1 to run it.
//
// INFO used_memory is the whole server's: run the test alone for a
// meaningful delta (other test packages share the server).
func TestCampaignMemory100k(t *testing.T) {
	if testing.Short() {
		t.Skip("a 100,000-recipient campaign")
	}
	if os.Getenv("PASSERELLE_MEASURE") != "1" {
		t.Skip("set PASSERELLE_MEASURE=1 to measure a 100,000-recipient campaign")
	}
	const n = 100000
	rdb := redistest.Client(t)
	// A short prefix like production's "psl:": key names count.
	prefix := redistest.ShortPrefix(t, rdb)
	st := redisstore.New(rdb, prefix)
	h := msg.NewHasher([]byte(apptest.Secret))

	t0 := time.Now()
	registerPeople(t, st, h, n)
	t.Logf("registered %d people in %v", n, time.Since(t0).Round(time.Millisecond))
	keysBefore := memoryByKind(t, rdb, prefix)
	usedBefore := usedMemory(t, rdb)

	c := startCampaign(t, st, broadcast.Campaign{Rate: 1e6})
	w := pipelineWorker(st, instantSender, "mem1", 1e6)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapBase, inuseBase, allocBase := ms.HeapAlloc, ms.HeapInuse, ms.TotalAlloc
	var (
		peakAlloc, peakInuse uint64
		peakUsed, peakQueue  int64
		samples              int
	)
	sampleDone := make(chan struct{})
	sampleStop := make(chan struct{})
	go func() {
		defer close(sampleDone)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-sampleStop:
				return
			case <-tick.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peakAlloc, peakInuse = max(peakAlloc, m.HeapAlloc), max(peakInuse, m.HeapInuse)
			samples++
			if i%4 == 0 { // INFO and the bulk lane's length every 200 ms
				if v, err := usedMemoryErr(rdb); err == nil {
					peakUsed = max(peakUsed, v)
				}
				if v, err := rdb.XLen(context.Background(), prefix+"ob:{g}:bulk").Result(); err == nil {
					peakQueue = max(peakQueue, v)
				}
			}
		}
	}()
	start := time.Now()
	stop := runPipeline(t, st, w)
	end := waitCampaign(t, st, c.ID, 10*time.Minute)
	took := time.Since(start)
	stop()
	close(sampleStop)
	<-sampleDone
	runtime.ReadMemStats(&ms)
	allocated := ms.TotalAlloc - allocBase

	if end.State != broadcast.Done || end.Counts.Sent != n || end.Counts.Queued != n || end.Counts.Audience != n {
		t.Fatalf("campaign %s: %+v, want %d audience, queued and sent", end.State, end.Counts, n)
	}
	usedAfter := usedMemory(t, rdb)
	keysAfter := memoryByKind(t, rdb, prefix)

	t.Logf("campaign of %d sent in %v (%.0f msgs/s, one worker, instant provider); at most %d messages waiting in the bulk lane",
		n, took.Round(time.Millisecond), n/took.Seconds(), peakQueue)
	per := func(b int64) float64 { return float64(b) / n }
	var campaignOwn, outboxLeft int64
	kinds := make([]string, 0, len(keysAfter))
	for k := range keysAfter {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		a, b := keysAfter[k], keysBefore[k]
		if a.bytes == b.bytes && a.keys == b.keys {
			continue
		}
		t.Logf("  %-10s %7d keys, %11d B (was %d keys, %d B): %+.1f B per recipient", k, a.keys, a.bytes, b.keys, b.bytes, per(a.bytes-b.bytes))
		switch k {
		case "camp", "camps", "campstat", "camprc", "camprsp", "camplock":
			campaignOwn += a.bytes - b.bytes
		default:
			outboxLeft += a.bytes - b.bytes
		}
	}
	t.Logf("Redis, MEMORY USAGE: the campaign's own keys %.1f B per recipient (camprc %.1f); the outbox records it leaves for the outbox retention %.1f B per recipient; in all %.1f B per recipient",
		per(campaignOwn), per(keysAfter["camprc"].bytes), per(outboxLeft), per(campaignOwn+outboxLeft))
	t.Logf("Redis, INFO used_memory: %d B before the campaign, peak %d B during (+%.1f B per recipient), %d B after (+%.1f B per recipient)",
		usedBefore, peakUsed, per(peakUsed-usedBefore), usedAfter, per(usedAfter-usedBefore))
	t.Logf("Go heap of the runner and worker: HeapAlloc %.1f MiB at start, peak %.1f MiB; HeapInuse %.1f MiB at start, peak %.1f MiB (%d samples); %.0f B allocated per message",
		mib(heapBase), mib(peakAlloc), mib(inuseBase), mib(peakInuse), samples, float64(allocated)/n)
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// kindUsage is the memory of one kind of key.
type kindUsage struct {
	keys  int
	bytes int64
}

// memoryByKind sums MEMORY USAGE (every element counted) of the keys under
// prefix by kind: the name's first part after the prefix ("camprc",
// "obm", …).
func memoryByKind(tb testing.TB, rdb redis.UniversalClient, prefix string) map[string]kindUsage {
	tb.Helper()
	ctx := context.Background()
	keys := redistest.Keys(tb, rdb, prefix)
	out := map[string]kindUsage{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		pipe := rdb.Pipeline()
		cmds := make([]*redis.IntCmd, len(chunk))
		for i, k := range chunk {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		_, _ = pipe.Exec(ctx) // a key expired meanwhile answers nil
		for i, k := range chunk {
			kind, _, _ := strings.Cut(strings.TrimPrefix(k, prefix), ":")
			u := out[kind]
			u.keys++
			u.bytes += cmds[i].Val()
			out[kind] = u
		}
	}
	return out
}

// usedMemory is INFO memory's used_memory.
func usedMemory(tb testing.TB, rdb redis.UniversalClient) int64 {
	tb.Helper()
	v, err := usedMemoryErr(rdb)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func usedMemoryErr(rdb redis.UniversalClient) (int64, error) {
	s, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("no used_memory in INFO memory")
}
