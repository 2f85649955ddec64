package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

func (k keyspace) stats() string { return k.prefix + "stats:{g}" }

// Stats returns staff's counts (msg.Stats), counted as things happened, in
// one round trip (two when this process holds funnel counts not yet
// written, funnel.go). It returns the store's error (wrapped).
func (s *Store) Stats(ctx context.Context) (msg.Stats, error) {
	// This process's funnel counts first; another gateway's are written
	// within FunnelEvery of their hop.
	if err := s.funnel.flush(ctx); err != nil {
		s.logger().Warn("funnel counts not written yet: kept for the next write", "err", err)
	}
	var st, ob *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		st = p.HGetAll(ctx, s.keys.stats())
		ob = p.HGetAll(ctx, s.keys.obStats())
		return nil
	})
	if err != nil {
		return msg.Stats{}, fmt.Errorf("error reading stats: %w", err)
	}
	out := msg.Stats{
		Registrations: msg.RegistrationStats{By: map[string]map[string]int64{}, Days: map[string]int64{}},
		Flows:         map[string]map[string]msg.NodeStats{}, SMS: map[string]map[string]int64{},
	}
	node := func(key string) (string, string, msg.NodeStats) {
		flow, name, _ := strings.Cut(key, ":")
		if out.Flows[flow] == nil {
			out.Flows[flow] = map[string]msg.NodeStats{}
		}
		return flow, name, out.Flows[flow][name]
	}
	for f, v := range st.Val() {
		n, _ := strconv.ParseInt(v, 10, 64)
		parts := strings.Split(f, "|")
		switch {
		case f == "reg|total":
			out.Registrations.Total = n
		case len(parts) == 3 && parts[0] == "reg" && parts[1] == "day":
			out.Registrations.Days[parts[2]] = n
		case len(parts) == 3 && parts[0] == "reg":
			if out.Registrations.By[parts[1]] == nil {
				out.Registrations.By[parts[1]] = map[string]int64{}
			}
			out.Registrations.By[parts[1]][parts[2]] = n
		case len(parts) == 2 && parts[0] == "reached":
			flow, name, ns := node(parts[1])
			ns.Reached = n
			out.Flows[flow][name] = ns
		case len(parts) == 2 && parts[0] == "abandoned":
			flow, name, ns := node(parts[1])
			ns.Abandoned = n
			out.Flows[flow][name] = ns
		}
	}
	for f, v := range ob.Val() {
		parts := strings.Split(f, "|")
		if len(parts) != 3 || parts[0] != "route" {
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		if out.SMS[parts[1]] == nil {
			out.SMS[parts[1]] = map[string]int64{}
		}
		out.SMS[parts[1]][parts[2]] = n
	}
	return out, nil
}
