package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// The store implements chat's port; the guard lives here so that the
// package itself imports only go-redis and msg.
var _ chat.Store = (*redisstore.Store)(nil)

// testRedisURL is the real Redis the tests use.
func testRedisURL() string {
	if u := os.Getenv("PASSERELLE_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// mustClient connects to the test Redis. It skips the test when Redis is
// unreachable, except in CI (CI=true) where it fails.
func mustClient(tb testing.TB) *redis.Client {
	tb.Helper()
	o, err := redis.ParseURL(testRedisURL())
	if err != nil {
		tb.Fatalf("PASSERELLE_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(o)
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

// uniquePrefix returns a key prefix owned by one test.
func uniquePrefix(tb testing.TB) string {
	tb.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, tb.Name())
	return "t:" + name + ":" + hex.EncodeToString(b[:]) + ":"
}

// mustStore returns a store on the real Redis under a fresh prefix whose
// keys are deleted when the test ends.
func mustStore(tb testing.TB) (*redisstore.Store, *redis.Client, string) {
	tb.Helper()
	c := mustClient(tb)
	prefix := uniquePrefix(tb)
	tb.Cleanup(func() { deletePrefix(tb, c, prefix) })
	return redisstore.New(c, prefix), c, prefix
}

// scanKeys lists every key starting with prefix.
func scanKeys(tb testing.TB, c redis.UniversalClient, prefix string) []string {
	tb.Helper()
	var keys []string
	iter := c.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
	for iter.Next(context.Background()) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Fatalf("scan: %v", err)
	}
	return keys
}

// deletePrefix deletes the keys under prefix, and only those.
func deletePrefix(tb testing.TB, c redis.UniversalClient, prefix string) {
	keys := scanKeys(tb, c, prefix)
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(context.Background(), keys[:n]...).Err(); err != nil {
			tb.Errorf("cleanup: %v", err)
			return
		}
		keys = keys[n:]
	}
}

var hasher = msg.NewHasher([]byte("test secret"))

// person returns the PersonID of a test phone number built from n.
func person(n int) msg.PersonID {
	return hasher.Person(phone(n))
}

func phone(n int) msg.Address {
	return msg.Address(fmt.Sprintf("+2376%08d", n))
}

// roundTrips counts the commands and pipelines a client sends.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// registration returns a realistic registration for person n.
func registration(n int, ref string, created time.Time) *msg.Registration {
	return &msg.Registration{
		Ref:     ref,
		Person:  person(n),
		Phone:   phone(n),
		Lang:    msg.French,
		Channel: msg.USSD,
		Created: created,
		Answers: map[string]string{
			"name":      "Aminatou Bello Ngono",
			"situation": "returnee",
			"region":    "littoral",
			"origin":    "nigeria",
			"sector":    "agriculture",
			"age":       "25-34",
			"gender":    "f",
			"need":      "funding",
			"stage":     "idea",
			"training":  "yes",
			"contact":   "sms",
		},
	}
}
