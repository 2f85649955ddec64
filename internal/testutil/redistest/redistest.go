// Package redistest gives tests the real Redis server under a key prefix
// of their own, cleaned when the test ends. It never flushes a database:
// test packages run in parallel against the same server.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// URL is the test Redis: $PASSERELLE_TEST_REDIS_URL or redis://127.0.0.1:6379/0.
func URL() string {
	if u := os.Getenv("PASSERELLE_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// ClusterAddrs are the seed addresses of a Redis Cluster to run the tests
// on instead ($PASSERELLE_TEST_REDIS_CLUSTER, comma-separated; scripts/test
// starts one for a second pass of the store's tests), or nil.
func ClusterAddrs() []string {
	if v := os.Getenv("PASSERELLE_TEST_REDIS_CLUSTER"); v != "" {
		return strings.Split(v, ",")
	}
	return nil
}

// Protocol is the RESP version test clients speak: RESP2, as the store's
// Open does unless its URL asks for another (redisstore/options.go,
// defaultProtocol; TestProtocol holds the two equal).
const Protocol = 2

// Client connects to the test Redis, or to the test Cluster when
// ClusterAddrs names one. It skips the test when Redis is unreachable,
// except in CI (CI=true), where it fails.
func Client(tb testing.TB) redis.UniversalClient {
	tb.Helper()
	var c redis.UniversalClient
	if addrs := ClusterAddrs(); addrs != nil {
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true, Protocol: Protocol})
	} else {
		o, err := redis.ParseURL(URL())
		if err != nil {
			tb.Fatalf("PASSERELLE_TEST_REDIS_URL: %v", err)
		}
		o.ContextTimeoutEnabled = true
		if o.Protocol == 0 {
			o.Protocol = Protocol
		}
		c = redis.NewClient(o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		if os.Getenv("CI") == "true" {
			tb.Fatalf("test redis unreachable: %v", err)
		}
		tb.Skipf("test redis unreachable (%v); set PASSERELLE_TEST_REDIS_URL", err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a key prefix owned by the test; every key under it is
// deleted when the test ends.
func Prefix(tb testing.TB, c redis.UniversalClient) string {
	tb.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, tb.Name())
	p := "t:" + name + ":" + hex.EncodeToString(b[:]) + ":"
	DeleteAtEnd(tb, c, p)
	return p
}

// ShortPrefix returns a short key prefix owned by the test ("m<8 hex>:"),
// for measurements where key names count; deleted when the test ends.
func ShortPrefix(tb testing.TB, c redis.UniversalClient) string {
	tb.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	p := "m" + hex.EncodeToString(b[:]) + ":"
	DeleteAtEnd(tb, c, p)
	return p
}

// DeleteAtEnd deletes every key under prefix, and only those, when the test ends.
func DeleteAtEnd(tb testing.TB, c redis.UniversalClient, prefix string) {
	tb.Cleanup(func() {
		keys := Keys(tb, c, prefix)
		// A DEL a key, pipelined: a Cluster refuses keys of several slots
		// in one DEL.
		pipe := c.Pipeline()
		for _, k := range keys {
			pipe.Del(context.Background(), k)
		}
		if _, err := pipe.Exec(context.Background()); err != nil && len(keys) > 0 {
			tb.Errorf("cleanup: %v", err)
		}
	})
}

// Keys lists every key starting with prefix (on every master of a
// Cluster), sorted.
func Keys(tb testing.TB, c redis.UniversalClient, prefix string) []string {
	tb.Helper()
	var (
		mu   sync.Mutex
		keys []string
	)
	scan := func(ctx context.Context, node redis.UniversalClient) error {
		it := node.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for it.Next(ctx) {
			mu.Lock()
			keys = append(keys, it.Val())
			mu.Unlock()
		}
		return it.Err()
	}
	var err error
	if cc, ok := c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(context.Background(), func(ctx context.Context, node *redis.Client) error { return scan(ctx, node) })
	} else {
		err = scan(context.Background(), c)
	}
	if err != nil {
		tb.Fatalf("scanning test keys: %v", err)
	}
	slices.Sort(keys)
	return keys
}
