package app

import (
	"context"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redisproc"
)

// TestStoreOptionsCluster: the cluster's seed addresses reach the store's
// options, and the store opens through them on a real cluster.
func TestStoreOptionsCluster(t *testing.T) {
	t.Parallel()
	cl := redisproc.StartCluster(t)
	cfg := Config{RedisURL: "redis://ignored.invalid:6379/0", RedisPrefix: "psl-app-cluster:", RedisCluster: cl.Addrs}
	opts := StoreOptions(cfg)
	if !slices.Equal(opts.Cluster, cl.Addrs) || opts.SentinelMaster != "" || opts.URL != cfg.RedisURL || opts.Prefix != cfg.RedisPrefix {
		t.Fatalf("options %+v", opts)
	}
	s, err := redisstore.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
