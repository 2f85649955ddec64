package redisstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// DeleteEverything deletes every key under the store's prefix, and only
// those, and returns how many it deleted. It is for stores of a prefix of
// their own that end with the process (passerelle sim on a shared Redis);
// it refuses a store without a prefix, which would empty the database.
// The funnel counts the store holds, not yet written, are dropped too.
func (s *Store) DeleteEverything(ctx context.Context) (int, error) {
	if s.keys.prefix == "" {
		return 0, fmt.Errorf("error deleting the store's keys: the store has no prefix of its own")
	}
	s.funnel.discard() // counts of keys about to go
	var n atomic.Int64
	err := s.forEachNode(ctx, func(ctx context.Context, node redis.UniversalClient) error {
		var cursor uint64
		for {
			keys, next, err := node.Scan(ctx, cursor, s.keys.prefix+"*", 500).Result()
			if err != nil {
				return err
			}
			// One pipeline a page, a key an UNLINK: a Cluster's node
			// refuses keys of several slots in one command.
			if len(keys) > 0 {
				pipe := node.Pipeline()
				for _, k := range keys {
					pipe.Unlink(ctx, k)
				}
				if _, err := pipe.Exec(ctx); err != nil {
					return err
				}
			}
			n.Add(int64(len(keys)))
			if cursor = next; cursor == 0 {
				return nil
			}
		}
	})
	if err != nil {
		return int(n.Load()), fmt.Errorf("error deleting the store's keys: %w", err)
	}
	return int(n.Load()), nil
}
