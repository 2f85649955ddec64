package redisstore_test

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestDeleteEverything deletes the store's own keys and nothing else, and
// refuses a store without a prefix.
func TestDeleteEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := redistest.Client(t)
	mine, other := redistest.Prefix(t, rdb), redistest.Prefix(t, rdb)
	for i, k := range []string{mine + "a", mine + "b:{p}", other + "a"} {
		if err := rdb.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	n, err := redisstore.New(rdb, mine).DeleteEverything(ctx)
	if err != nil || n != 2 {
		t.Fatalf("deleted %d, %v; want 2", n, err)
	}
	if keys := redistest.Keys(t, rdb, mine); len(keys) != 0 {
		t.Fatalf("left %v", keys)
	}
	if keys := redistest.Keys(t, rdb, other); len(keys) != 1 {
		t.Fatalf("another prefix lost keys: %v", keys)
	}
	if _, err := redisstore.New(rdb, "").DeleteEverything(ctx); err == nil {
		t.Fatal("a store without a prefix emptied the database")
	}
}
