package app

import (
	"context"
	"time"
)

// RepairEvery is how often a gateway or worker on Redis Cluster looks for
// effects a stopped process left in a person's log (redisstore.RepairEffects).
// The sweep SCANs every key of every master, a cost that grows with the
// people stored; a person's own next hop applies their log at once, so the
// sweep only catches those who do not come back.
const RepairEvery = 5 * time.Minute

// Repair applies, now and then every RepairEvery until ctx ends, the
// effects a split commit left behind (a Cluster only: it returns at once
// on one node or Sentinel, where a hop's commit is one step). It logs
// counts, never data.
func (a *App) Repair(ctx context.Context) {
	if !a.Store.SplitCommit() {
		return
	}
	t := time.NewTicker(RepairEvery)
	defer t.Stop()
	for {
		n, err := a.Store.RepairEffects(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Error("repair of effects left behind failed", "applied", n, "err", err)
		case n > 0:
			a.Log.Warn("effects left behind by a stopped process applied", "entries", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
