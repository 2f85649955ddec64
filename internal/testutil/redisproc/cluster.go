package redisproc

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterSlots is the number of hash slots of a Redis Cluster.
const clusterSlots = 16384

// clusterFormTimeout bounds the wait for a new cluster to agree.
const clusterFormTimeout = 15 * time.Second

// Cluster is a Redis Cluster of three masters without replicas, the hash
// slots split evenly among them.
type Cluster struct {
	// Addrs are the masters' host:port addresses, any of which is a seed.
	Addrs []string
}

// StartCluster starts three cluster-enabled redis-server masters, gives
// each a third of the hash slots, joins them and waits (at most 15 s)
// until every node reports the cluster ok with three masters. Like the
// other helpers it skips the test when redis-server is missing (fails it
// when CI=true), keeps nothing but the nodes' cluster config files, in
// tb.TempDir(), and kills the processes when the test ends.
func StartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	dir := tb.TempDir()
	c := &Cluster{}
	// The cluster bus port is given explicitly: port+10000, the default,
	// may be taken or past 65535.
	buses := make([]int, 3)
	for i := range buses {
		port, bus := freePort(tb), freePort(tb)
		start(tb, port, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir,
			"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(bus),
			"--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes%d.conf", i)),
			"--cluster-node-timeout", "5000")
		c.Addrs = append(c.Addrs, "127.0.0.1:"+strconv.Itoa(port))
		buses[i] = bus
	}
	ctx := context.Background()
	nodes := make([]*redis.Client, len(c.Addrs))
	for i, a := range c.Addrs {
		nodes[i] = redis.NewClient(&redis.Options{Addr: a})
		defer nodes[i].Close()
	}
	for i, n := range nodes {
		lo, hi := i*clusterSlots/len(nodes), (i+1)*clusterSlots/len(nodes)-1
		// go-redis's ClusterAddSlotsRange sends ADDSLOTS with every slot.
		if err := n.Do(ctx, "cluster", "addslotsrange", lo, hi).Err(); err != nil {
			tb.Fatalf("CLUSTER ADDSLOTSRANGE %d %d on %s: %v", lo, hi, c.Addrs[i], err)
		}
	}
	for i := 1; i < len(nodes); i++ {
		port, _ := strconv.Atoi(strings.TrimPrefix(c.Addrs[i], "127.0.0.1:"))
		if err := nodes[0].Do(ctx, "cluster", "meet", "127.0.0.1", port, buses[i]).Err(); err != nil {
			tb.Fatalf("CLUSTER MEET %s: %v", c.Addrs[i], err)
		}
	}
	if err := c.wait(ctx, nodes); err != nil {
		tb.Fatal(err)
	}
	return c
}

// wait polls CLUSTER INFO on every node until each says the cluster is ok,
// knows three nodes that all serve slots, and sees every slot assigned.
func (c *Cluster) wait(ctx context.Context, nodes []*redis.Client) error {
	want := []string{
		"cluster_state:ok",
		"cluster_slots_assigned:" + strconv.Itoa(clusterSlots),
		"cluster_known_nodes:" + strconv.Itoa(len(nodes)),
		"cluster_size:" + strconv.Itoa(len(nodes)),
	}
	deadline := time.Now().Add(clusterFormTimeout)
	var last string
	for time.Now().Before(deadline) {
		ok := true
		for i, n := range nodes {
			info, err := n.ClusterInfo(ctx).Result()
			if err != nil {
				last = fmt.Sprintf("%s: %v", c.Addrs[i], err)
				ok = false
				break
			}
			for _, w := range want {
				if !strings.Contains(info, w+"\r\n") {
					last = fmt.Sprintf("%s lacks %q", c.Addrs[i], w)
					ok = false
					break
				}
			}
			if !ok {
				break
			}
		}
		if ok {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("error forming the redis cluster: not ok after %v (%s)", clusterFormTimeout, last)
}

// Client returns a cluster client seeded with every node, closed when the
// test ends.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	tb.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: append([]string(nil), c.Addrs...)})
	tb.Cleanup(func() { _ = cc.Close() })
	return cc
}
