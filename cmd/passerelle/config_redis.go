package main

import (
	"net"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// loadSentinel reads the Sentinel settings: a master name needs sentinel
// addresses and a Redis URL (for the password and database), and the
// reverse.
func loadSentinel(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	c.RedisSentinelMaster = strings.TrimSpace(get("PASSERELLE_REDIS_SENTINEL_MASTER"))
	c.RedisSentinelPassword = get("PASSERELLE_REDIS_SENTINEL_PASSWORD")
	for _, a := range strings.Split(get("PASSERELLE_REDIS_SENTINELS"), ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a); err != nil {
			bad("PASSERELLE_REDIS_SENTINELS", "want host:port addresses separated by commas, got %q", a)
			return
		}
		c.RedisSentinels = append(c.RedisSentinels, a)
	}
	switch {
	case c.RedisSentinelMaster != "" && len(c.RedisSentinels) == 0:
		bad("PASSERELLE_REDIS_SENTINELS", "required with PASSERELLE_REDIS_SENTINEL_MASTER")
	case c.RedisSentinelMaster == "" && len(c.RedisSentinels) > 0:
		bad("PASSERELLE_REDIS_SENTINEL_MASTER", "required with PASSERELLE_REDIS_SENTINELS")
	case c.RedisSentinelMaster != "" && c.RedisURL == "":
		bad("PASSERELLE_REDIS_URL", "required with PASSERELLE_REDIS_SENTINEL_MASTER (it gives the password and database; its host is not used)")
	}
}

// loadCluster reads PASSERELLE_REDIS_CLUSTER, the seed addresses of a Redis
// Cluster: host:port each, never with Sentinel, and with a Redis URL (for
// the user and password; its host is not used) whose database is 0, the
// only one a cluster has.
func loadCluster(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	for _, a := range strings.Split(get("PASSERELLE_REDIS_CLUSTER"), ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		host, port, err := net.SplitHostPort(a)
		if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
			bad("PASSERELLE_REDIS_CLUSTER", "want host:port addresses separated by commas, got %q", a)
			return
		}
		c.RedisCluster = append(c.RedisCluster, a)
	}
	if len(c.RedisCluster) == 0 {
		return
	}
	switch {
	case c.RedisSentinelMaster != "" || len(c.RedisSentinels) > 0:
		bad("PASSERELLE_REDIS_CLUSTER", "not with PASSERELLE_REDIS_SENTINEL_MASTER or PASSERELLE_REDIS_SENTINELS: a cluster is reached through its own nodes")
	case c.RedisURL == "":
		bad("PASSERELLE_REDIS_URL", "required with PASSERELLE_REDIS_CLUSTER (it gives the user and password; its host is not used)")
	default:
		// A malformed URL is left to the store, which says so without
		// quoting the password.
		if o, err := redis.ParseURL(c.RedisURL); err == nil && o.DB != 0 {
			bad("PASSERELLE_REDIS_URL", "its database must be 0 with PASSERELLE_REDIS_CLUSTER (a Redis Cluster has no other)")
		}
	}
}
