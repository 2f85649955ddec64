package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// The store implements chat's port; the guard lives here so that the
// package itself imports only go-redis and msg.
var _ chat.Store = (*redisstore.Store)(nil)

// mustClient connects to the test Redis (redistest: skipped when
// unreachable, except in CI).
func mustClient(tb testing.TB) redis.UniversalClient { return redistest.Client(tb) }

// mustStore returns a store on the real Redis under a fresh prefix whose
// keys are deleted when the test ends.
func mustStore(tb testing.TB) (*redisstore.Store, redis.UniversalClient, string) {
	tb.Helper()
	c := redistest.Client(tb)
	prefix := redistest.Prefix(tb, c)
	s := redisstore.New(c, prefix)
	if splitCommit() {
		s.WithSplitCommit(true)
	}
	return s, c, prefix
}

// splitCommit tells whether the tests run the store as on Redis Cluster
// (PASSERELLE_TEST_SPLIT=1: scripts/test runs the package both ways).
func splitCommit() bool {
	return os.Getenv("PASSERELLE_TEST_SPLIT") == "1" || redistest.ClusterAddrs() != nil
}

// scanKeys lists every key starting with prefix.
func scanKeys(tb testing.TB, c redis.UniversalClient, prefix string) []string {
	tb.Helper()
	return redistest.Keys(tb, c, prefix)
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
