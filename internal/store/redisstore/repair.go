package redisstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// RepairEffects finds the effects logs a split commit left behind (a
// gateway that stopped between a person's commit and the application of
// its effects, see split.go) and applies them, in order and once. It walks
// every master's keys with SCAN, so it is for a background loop, never for
// a hop, and one process at a time runs it (a lock held RepairLock: the
// others return 0 at once); a log applied meanwhile by the person's next
// hop is skipped. It returns how many entries it applied and the first
// error (wrapped), having gone through every log. On a store that commits
// in one step there is nothing to repair.
func (s *Store) RepairEffects(ctx context.Context) (int, error) {
	if !s.split {
		return 0, nil
	}
	// One process sweeps at a time: the others find the lock taken.
	took, err := s.rdb.SetNX(ctx, s.keys.prefix+"repairlock:{g}", "1", RepairLock).Result()
	if err != nil {
		return 0, fmt.Errorf("error repairing effects: %w", err)
	}
	if !took {
		return 0, nil
	}
	pattern := escapeGlob(s.keys.prefix) + "fx:{*"
	var (
		n     atomic.Int64
		mu    sync.Mutex
		first error
	)
	err = s.forEachNode(ctx, func(ctx context.Context, node redis.UniversalClient) error {
		var cursor uint64
		for {
			keys, next, err := node.Scan(ctx, cursor, pattern, 1000).Result()
			if err != nil {
				return err
			}
			for _, k := range keys {
				// A log that fails is reported and passed over: it does not
				// hold up the others.
				a, err := s.repairLog(ctx, k)
				n.Add(int64(a))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
			if cursor = next; cursor == 0 {
				return nil
			}
		}
	})
	if err == nil {
		err = first
	}
	if err != nil {
		return int(n.Load()), fmt.Errorf("error repairing effects: %w", err)
	}
	return int(n.Load()), nil
}

// RepairLock is how long one process holds the repair sweep: a little
// less than app.RepairEvery, so that the next sweep finds it free.
const RepairLock = 4*time.Minute + 30*time.Second

// repairLog applies the log named k and returns how many entries it
// applied.
func (s *Store) repairLog(ctx context.Context, k string) (int, error) {
	p, ok := strings.CutPrefix(k, s.keys.prefix+"fx:{")
	if !ok || !strings.HasSuffix(p, "}") {
		return 0, nil
	}
	p = strings.TrimSuffix(p, "}")
	log, err := s.rdb.LRange(ctx, k, 0, -1).Result()
	if err != nil {
		return 0, err
	}
	a, err := s.applyLog(ctx, msg.PersonID(p), log)
	return a.entries, err
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
