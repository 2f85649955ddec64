package redisproc

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestStartCluster(t *testing.T) {
	cl := StartCluster(t)
	if len(cl.Addrs) != 3 {
		t.Fatalf("Addrs = %v, want 3", cl.Addrs)
	}
	ctx := context.Background()
	c := cl.Client(t)

	masters, err := c.ClusterShards(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(masters) != 3 {
		t.Fatalf("CLUSTER SHARDS: %d shards, want 3", len(masters))
	}

	// Keys with different hash tags land in different slots and, slots
	// being split in thirds, on more than one master.
	tags := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	slots := map[int64]bool{}
	for _, tag := range tags {
		key := "{" + tag + "}x"
		if err := c.Set(ctx, key, tag, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
		slot, err := c.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots[slot] = true
		if got, err := c.Get(ctx, key).Result(); err != nil || got != tag {
			t.Fatalf("GET %s = %q, %v", key, got, err)
		}
	}
	if len(slots) < 2 {
		t.Fatalf("the keys took %d slot(s)", len(slots))
	}
	var mu sync.Mutex
	holding := 0
	total := int64(0)
	err = c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		total += n
		if n > 0 {
			holding++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != int64(len(tags)) || holding < 2 {
		t.Fatalf("%d keys on %d masters, want %d on at least 2", total, holding, len(tags))
	}

	// A multi-key command across two slots is refused by the server: sent
	// to a node directly (go-redis's cluster client would split an MSET by
	// shard), and as a script through the cluster client.
	node := redis.NewClient(&redis.Options{Addr: cl.Addrs[0]})
	defer node.Close()
	err = node.MSet(ctx, "{a}y", "1", "{b}y", "2").Err()
	if err == nil || !strings.HasPrefix(err.Error(), "CROSSSLOT") {
		t.Fatalf("MSET across slots: %v, want CROSSSLOT", err)
	}
	err = c.Eval(ctx, "return redis.call('mget', KEYS[1], KEYS[2])", []string{"{a}x", "{b}x"}).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "CROSSSLOT") {
		t.Fatalf("EVAL across slots: %v, want CROSSSLOT", err)
	}
	// Within one slot the same command works.
	if err := c.MSet(ctx, "{a}y", "1", "{a}z", "2").Err(); err != nil {
		t.Fatalf("MSET in one slot: %v", err)
	}
}
