package redisstore

import (
	"context"
	"fmt"
)

// DeleteEverything deletes every key under the store's prefix, and only
// those, and returns how many it deleted. It is for stores of a prefix of
// their own that end with the process (passerelle sim on a shared Redis);
// it refuses a store without a prefix, which would empty the database.
func (s *Store) DeleteEverything(ctx context.Context) (int, error) {
	if s.keys.prefix == "" {
		return 0, fmt.Errorf("error deleting the store's keys: the store has no prefix of its own")
	}
	n := 0
	var cursor uint64
	for {
		keys, next, err := s.rdb.Scan(ctx, cursor, s.keys.prefix+"*", 500).Result()
		if err != nil {
			return n, fmt.Errorf("error deleting the store's keys: %w", err)
		}
		if len(keys) > 0 {
			// One UNLINK a page; keys of several slots need a single node
			// (the scratch stores this is for are not clustered).
			if err := s.rdb.Unlink(ctx, keys...).Err(); err != nil {
				return n, fmt.Errorf("error deleting the store's keys: %w", err)
			}
			n += len(keys)
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	return n, nil
}
