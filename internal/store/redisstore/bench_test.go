package redisstore_test

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// benchState is a realistic encoded conversation state (~400 bytes).
var benchState = []byte(strings.Repeat(`{"flow":"registration","node":"sector","answers":{"name":"Jean Dupont"}}`, 6)[:400])

var benchReply = []byte("CON Secteur:\n1. Agriculture\n2. Commerce\n3. Artisanat\n4. Services\n5. Autre")

// BenchmarkHop measures one Load and one Commit, the store's share of a
// USSD hop, against the real Redis.
func BenchmarkHop(b *testing.B) {
	ctx := context.Background()
	s, _, _ := mustStore(b)
	people := make([]msg.PersonID, 1000)
	for i := range people {
		people[i] = person(100000 + i)
	}
	dedupe := make([]string, 1<<12)
	for i := range dedupe {
		dedupe[i] = "ATUid_" + strconv.Itoa(i) + "|1*2*Jean Dupont"
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		hop(b, ctx, s, people[i%len(people)], dedupe[i%len(dedupe)])
	}
}

// BenchmarkHopParallel runs hops from 32 goroutines, one person each at a
// time, as the design's 32 concurrent sessions.
func BenchmarkHopParallel(b *testing.B) {
	ctx := context.Background()
	s, _, _ := mustStore(b)
	var worker atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(max(1, 32/runtimeProcs()))
	b.RunParallel(func(pb *testing.PB) {
		w := int(worker.Add(1))
		p := person(200000 + w)
		for i := 0; pb.Next(); i++ {
			hop(b, ctx, s, p, "ATUid_"+strconv.Itoa(w)+"_"+strconv.Itoa(i))
		}
	})
}

func hop(b *testing.B, ctx context.Context, s interface {
	Load(context.Context, msg.PersonID, string) (msg.Conversation, error)
	Commit(context.Context, msg.PersonID, msg.Change) error
}, p msg.PersonID, dedupe string) {
	c, err := s.Load(ctx, p, dedupe)
	if err != nil {
		b.Fatal(err)
	}
	err = s.Commit(ctx, p, msg.Change{
		Version: c.Version, State: benchState, StateTTL: 10 * time.Minute, Lang: msg.French,
		Dedupe: dedupe, Reply: benchReply, DedupeTTL: time.Minute,
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFloor is the design's floor: one GET and one SET per hop.
func BenchmarkFloor(b *testing.B) {
	ctx := context.Background()
	_, rdb, prefix := mustStore(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		key := prefix + "floor:" + strconv.Itoa(i%1000)
		if err := rdb.Get(ctx, key).Err(); err != nil && !errors.Is(err, redis.Nil) {
			b.Fatal(err)
		}
		if err := rdb.Set(ctx, key, benchState, 10*time.Minute).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorParallel is BenchmarkFloor from 32 goroutines.
func BenchmarkFloorParallel(b *testing.B) {
	ctx := context.Background()
	_, rdb, prefix := mustStore(b)
	var worker atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(max(1, 32/runtimeProcs()))
	b.RunParallel(func(pb *testing.PB) {
		key := prefix + "floor:" + strconv.Itoa(int(worker.Add(1)))
		for pb.Next() {
			if err := rdb.Get(ctx, key).Err(); err != nil && !errors.Is(err, redis.Nil) {
				b.Fatal(err)
			}
			if err := rdb.Set(ctx, key, benchState, 10*time.Minute).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
