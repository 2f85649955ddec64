// Package redisproc starts real redis-server processes for tests that need
// a topology the shared test server does not have: a master with a replica
// watched by Sentinels, or a Redis Cluster of three masters. Each process listens on a free loopback port, keeps
// nothing on disk and is killed when the test ends.
package redisproc

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// freePort returns a loopback port nothing listens on now.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs redis-server with args and waits until it answers on port.
func start(tb testing.TB, port int, args ...string) {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("redis-server not found: %v", err)
		}
		tb.Skipf("redis-server not found: %v", err)
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting redis-server: %v", err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port)})
	defer c.Close()
	for i := 0; i < 100; i++ {
		if c.Ping(context.Background()).Err() == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("redis-server on port %d did not answer", port)
}

// Sentinel is a master, a replica and three sentinels watching them under
// the master name Master.
type Sentinel struct {
	Master    string
	Sentinels []string
	master    int
	replica   int
}

// StartSentinel starts the topology and waits until the sentinels know the
// master and its replica.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	s := &Sentinel{Master: "psl-test", master: freePort(tb), replica: freePort(tb)}
	// The replica's full sync writes a dump even without --save: into a
	// directory of the test's, not the package's.
	common := []string{"--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}
	start(tb, s.master, append([]string{"--port", strconv.Itoa(s.master)}, append(common, "--dir", tb.TempDir())...)...)
	start(tb, s.replica, append([]string{"--port", strconv.Itoa(s.replica), "--replicaof", "127.0.0.1", strconv.Itoa(s.master)}, append(common, "--dir", tb.TempDir())...)...)
	dir := tb.TempDir()
	for i := 0; i < 3; i++ {
		port := freePort(tb)
		conf := filepath.Join(dir, fmt.Sprintf("sentinel%d.conf", i))
		body := fmt.Sprintf("port %d\nbind 127.0.0.1\nsentinel monitor %s 127.0.0.1 %d 2\nsentinel down-after-milliseconds %s 1000\n"+
			"sentinel failover-timeout %s 5000\nsentinel parallel-syncs %s 1\n", port, s.Master, s.master, s.Master, s.Master, s.Master)
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			tb.Fatal(err)
		}
		start(tb, port, conf, "--sentinel")
		s.Sentinels = append(s.Sentinels, "127.0.0.1:"+strconv.Itoa(port))
	}
	s.waitReplica(tb)
	return s
}

// waitReplica waits until the master reports its replica in sync.
func (s *Sentinel) waitReplica(tb testing.TB) {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(s.master)})
	defer c.Close()
	for i := 0; i < 200; i++ {
		info, _ := c.Info(context.Background(), "replication").Result()
		if strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "state=online") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatal("the replica did not sync")
}

// MasterAddr asks a sentinel where the master is now.
func (s *Sentinel) MasterAddr(ctx context.Context) (string, error) {
	c := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinels[0]})
	defer c.Close()
	a, err := c.GetMasterAddrByName(ctx, s.Master).Result()
	if err != nil {
		return "", fmt.Errorf("error asking the sentinel: %w", err)
	}
	return net.JoinHostPort(a[0], a[1]), nil
}

// Failover makes the sentinels promote the replica, and waits until they
// name it as the master.
func (s *Sentinel) Failover(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	before, err := s.MasterAddr(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinels[0]})
	defer c.Close()
	if err := c.Failover(ctx, s.Master).Err(); err != nil {
		tb.Fatalf("failover: %v", err)
	}
	for i := 0; i < 200; i++ {
		if now, err := s.MasterAddr(ctx); err == nil && now != before {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatal("the sentinels did not promote the replica")
}

// WaitSettled waits, after a Failover, until the old master has become
// the new one's replica and is in sync: until then a client still writing
// to the old master loses what it writes (replication is asynchronous).
func (s *Sentinel) WaitSettled(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	for i := 0; i < 400; i++ {
		now, err := s.MasterAddr(ctx)
		if err == nil {
			settled := true
			for _, port := range []int{s.master, s.replica} {
				addr := "127.0.0.1:" + strconv.Itoa(port)
				c := redis.NewClient(&redis.Options{Addr: addr})
				info, _ := c.Info(ctx, "replication").Result()
				_ = c.Close()
				if addr == now {
					settled = settled && strings.Contains(info, "role:master") && strings.Contains(info, "connected_slaves:1")
				} else {
					settled = settled && strings.Contains(info, "role:slave") && strings.Contains(info, "master_link_status:up")
				}
			}
			if settled {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatal("the old master did not become the new one's replica")
}

// StartServer starts one redis-server of the test's own (for what a test
// must not do to the shared server, such as SCRIPT FLUSH) and returns its
// host:port.
func StartServer(tb testing.TB) string {
	tb.Helper()
	port := freePort(tb)
	start(tb, port, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tb.TempDir())
	return "127.0.0.1:" + strconv.Itoa(port)
}
