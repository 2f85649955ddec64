package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// benchStore is a store on the real Redis under a prefix of the
// benchmark's own, deleted when the run ends.
func benchStore(b *testing.B) *redisstore.Store {
	b.Helper()
	c := redistest.Client(b)
	return redisstore.New(c, redistest.Prefix(b, c))
}

// benchMessage is the i-th message of a run: a conversation page of a
// realistic length to a number and person of its own.
func benchMessage(run string, i int) msg.Outbound {
	to := msg.Address(fmt.Sprintf("+2376%08d", i%100000000))
	return msg.Outbound{
		ID: fmt.Sprintf("%s-%08d", run, i), To: to, Person: msg.PersonID(fmt.Sprintf("%024x", i)), Kind: msg.KindPage,
		Lane: msg.LaneConversation,
		Text: "Passerelle: pour vous inscrire au programme d'appui aux entrepreneurs, composez *384*123# et choisissez 1. Aide: 8000.",
	}
}

// instant is a provider that accepts every message at once.
var instant = outbox.SenderFunc(func(_ context.Context, m msg.Outbound) (string, error) {
	return "SM" + m.ID, nil
})

// benchConfig is a worker tuned for throughput.
func benchConfig(consumer string) outbox.Config {
	return outbox.Config{
		Consumer: consumer, Provider: "bench", Batch: 256, Concurrency: 64, Block: 100 * time.Millisecond,
		Log: slog.New(slog.DiscardHandler),
	}
}

// runWorkers runs ws until the returned stop is called; stop waits for
// them to return.
func runWorkers(b *testing.B, ws ...*outbox.Worker) (stop func()) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(ctx); err != nil {
				b.Error(err)
			}
		}()
	}
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	b.Cleanup(stop)
	return stop
}

// waitSent waits until the conversation lane counts n messages sent.
func waitSent(b *testing.B, s *redisstore.Store, n int, timeout time.Duration) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st, err := s.OutboxStats(context.Background(), time.Now(), 0)
		if err != nil {
			b.Fatal(err)
		}
		c := st.Lanes[msg.LaneConversation]
		if c.Sent >= int64(n) {
			if c.Sent != int64(n) || c.Queued != 0 {
				b.Fatalf("stats %+v, want sent %d, queued 0", c, n)
			}
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("after %v: stats %+v, want sent %d", timeout, c, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// benchmarkThroughput queues b.N messages, then measures how fast workers
// send them all (from their start to the last outcome recorded).
func benchmarkThroughput(b *testing.B, workers int) {
	ctx := context.Background()
	s := benchStore(b)
	run := fmt.Sprintf("tp%d", workers)
	const batch = 500
	page := make([]msg.Outbound, 0, batch)
	for i := range b.N {
		page = append(page, benchMessage(run, i))
		if len(page) == batch || i == b.N-1 {
			if err := s.Enqueue(ctx, page...); err != nil {
				b.Fatal(err)
			}
			page = page[:0]
		}
	}
	ws := make([]*outbox.Worker, workers)
	for i := range ws {
		ws[i] = outbox.New(s, instant, benchConfig(fmt.Sprintf("bench-%d", i)))
	}
	b.ResetTimer()
	start := time.Now()
	stop := runWorkers(b, ws...)
	waitSent(b, s, b.N, time.Duration(b.N)*time.Millisecond+30*time.Second)
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}

// BenchmarkThroughputOneWorker: one worker (Batch 256, Concurrency 64)
// sends a backlog of b.N conversation messages through an instant provider.
func BenchmarkThroughputOneWorker(b *testing.B) { benchmarkThroughput(b, 1) }

// BenchmarkThroughputTwoWorkers: the same backlog shared by two workers of
// the consumer group.
func BenchmarkThroughputTwoWorkers(b *testing.B) { benchmarkThroughput(b, 2) }

// BenchmarkLatency: with a worker running and nothing else queued, the
// time from Enqueue's return (the commit) to the provider's call, one
// message at a time; p50 and p99 in milliseconds. A provider called before
// Enqueue's answer reached the caller counts 0.
func BenchmarkLatency(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	called := make(chan time.Time, 1)
	snd := outbox.SenderFunc(func(_ context.Context, m msg.Outbound) (string, error) {
		called <- time.Now()
		return "SM" + m.ID, nil
	})
	cfg := benchConfig("latency")
	cfg.Batch, cfg.Concurrency = outbox.DefaultBatch, outbox.DefaultConcurrency
	stop := runWorkers(b, outbox.New(s, snd, cfg))
	// A first message, unmeasured, to know that the worker reads.
	if err := s.Enqueue(ctx, benchMessage("warm", 0)); err != nil {
		b.Fatal(err)
	}
	select {
	case <-called:
	case <-time.After(10 * time.Second):
		b.Fatal("the worker sent nothing in 10s")
	}
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range b.N {
		if err := s.Enqueue(ctx, benchMessage("lat", i)); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		select {
		case at := <-called:
			lat[i] = max(at.Sub(committed), 0)
		case <-time.After(10 * time.Second):
			b.Fatalf("message %d not sent in 10s", i)
		}
	}
	b.StopTimer()
	waitSent(b, s, b.N+1, 30*time.Second)
	stop()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[min(len(lat)*99/100, len(lat)-1)]), "p99-ms")
}
