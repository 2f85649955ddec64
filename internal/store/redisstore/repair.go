package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// RepairEffects finds the effects logs a split commit left behind (a
// gateway that stopped between a person's commit and the application of
// its effects, see split.go) and applies them, in order and once. It walks
// every master's keys with SCAN, so it is for a background loop, never for
// a hop; a log applied meanwhile by the person's next hop is skipped. It
// returns how many entries it applied and the store's error (wrapped). On
// a store that commits in one step there is nothing to repair.
func (s *Store) RepairEffects(ctx context.Context) (int, error) {
	if !s.split {
		return 0, nil
	}
	pattern := s.keys.prefix + "fx:{*"
	var n atomic.Int64
	err := s.forEachNode(ctx, func(ctx context.Context, node redis.UniversalClient) error {
		var cursor uint64
		for {
			keys, next, err := node.Scan(ctx, cursor, pattern, 500).Result()
			if err != nil {
				return err
			}
			for _, k := range keys {
				p, ok := strings.CutPrefix(k, s.keys.prefix+"fx:{")
				if !ok || !strings.HasSuffix(p, "}") {
					continue
				}
				p = strings.TrimSuffix(p, "}")
				log, err := s.rdb.LRange(ctx, k, 0, -1).Result()
				if err != nil {
					return err
				}
				a, err := s.applyLog(ctx, msg.PersonID(p), log, "", "")
				if err != nil {
					return err
				}
				n.Add(int64(a.entries))
			}
			if cursor = next; cursor == 0 {
				return nil
			}
		}
	})
	if err != nil {
		return int(n.Load()), fmt.Errorf("error repairing effects: %w", err)
	}
	return int(n.Load()), nil
}

// forEachNode calls fn with each master of a Cluster (at once, from
// several goroutines), or with the one client otherwise: for the commands
// that see one node's keys (SCAN).
func (s *Store) forEachNode(ctx context.Context, fn func(context.Context, redis.UniversalClient) error) error {
	if c, ok := s.rdb.(*redis.ClusterClient); ok {
		return c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error { return fn(ctx, node) })
	}
	return fn(ctx, s.rdb)
}
