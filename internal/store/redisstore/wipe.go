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
	it := s.rdb.Scan(ctx, 0, s.keys.prefix+"*", 500).Iterator()
	for it.Next(ctx) {
		if err := s.rdb.Unlink(ctx, it.Val()).Err(); err != nil {
			return n, fmt.Errorf("error deleting the store's keys: %w", err)
		}
		n++
	}
	if err := it.Err(); err != nil {
		return n, fmt.Errorf("error deleting the store's keys: %w", err)
	}
	return n, nil
}
