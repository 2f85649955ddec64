package main

import (
	"net"
	"strings"
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
