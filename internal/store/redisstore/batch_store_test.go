package redisstore

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// holdLoads holds every pipeline of hop loads (an MGET first) until open
// is closed, and counts them and the commands they carry.
type holdLoads struct {
	open      chan struct{}
	pipelines atomic.Int64
	cmds      atomic.Int64
}

func (h *holdLoads) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *holdLoads) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *holdLoads) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if cmds[0].Name() == "mget" {
			h.pipelines.Add(1)
			h.cmds.Add(int64(len(cmds)))
			<-h.open
		}
		return next(ctx, cmds)
	}
}

// TestStoreBatchesHops: a store on one node sends the loads of concurrent
// hops together (at most two batches a worker while every worker's first
// is held, where alone they would take a pipeline each); on a Cluster it
// does not batch.
func TestStoreBatchesHops(t *testing.T) {
	t.Parallel()
	rdb := redistest.Client(t)
	s := New(rdb, redistest.Prefix(t, rdb))
	if _, cluster := rdb.(*redis.ClusterClient); cluster {
		if s.batch != nil {
			t.Fatal("a store on a Cluster batches")
		}
		return
	}
	if s.batch == nil {
		t.Fatal("a store on one node does not batch")
	}
	h := &holdLoads{open: make(chan struct{})}
	rdb.AddHook(h)
	w := batchWorkers()
	loads := 3*w + 3
	const cmdsPerLoad = 3 // MGET, HGETALL, HGET (no dedupe, no flood)
	var wg sync.WaitGroup
	for i := range loads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Load(context.Background(), msg.PersonID("b"+strconv.Itoa(i)), ""); err != nil {
				t.Error(err)
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for int(h.cmds.Load())/cmdsPerLoad+len(s.batch.reqs) < loads {
		if time.Now().After(deadline) {
			t.Fatalf("%d loads held and %d queued, of %d", h.cmds.Load()/cmdsPerLoad, len(s.batch.reqs), loads)
		}
		time.Sleep(time.Millisecond)
	}
	close(h.open)
	wg.Wait()
	if n := h.pipelines.Load(); n > int64(2*w) {
		t.Fatalf("%d loads in %d pipelines, want at most %d", loads, n, 2*w)
	}
}
