package main

import (
	"slices"
	"testing"
)

// redisEnv is a production configuration (a Redis URL, an open USSD
// endpoint) with more settings.
func redisEnv(kv ...string) map[string]string {
	return prodEnv(append([]string{"PASSERELLE_USSD_OPEN", "true"}, kv...)...)
}

func TestLoadConfigSentinel(t *testing.T) {
	t.Parallel()
	runConfigCases(t, []configCase{
		{label: "none", env: redisEnv(), check: func(c Config) bool {
			return c.RedisSentinelMaster == "" && c.RedisSentinels == nil && c.RedisCluster == nil
		}},
		{label: "master and sentinels", env: redisEnv("PASSERELLE_REDIS_SENTINEL_MASTER", " psl ",
			"PASSERELLE_REDIS_SENTINELS", "s1:26379, s2:26379,,s3:26379", "PASSERELLE_REDIS_SENTINEL_PASSWORD", "sentinel-pw-0123456789"),
			check: func(c Config) bool {
				return c.RedisSentinelMaster == "psl" && slices.Equal(c.RedisSentinels, []string{"s1:26379", "s2:26379", "s3:26379"}) &&
					c.RedisSentinelPassword == "sentinel-pw-0123456789"
			}},
		{label: "flags", env: redisEnv(), args: []string{"-redis-sentinel-master", "psl", "-redis-sentinels", "s1:26379"},
			check: func(c Config) bool {
				return c.RedisSentinelMaster == "psl" && slices.Equal(c.RedisSentinels, []string{"s1:26379"})
			}},
		{label: "sentinel without a port", env: redisEnv("PASSERELLE_REDIS_SENTINEL_MASTER", "psl", "PASSERELLE_REDIS_SENTINELS", "s1"),
			wantErr: "PASSERELLE_REDIS_SENTINELS", errSays: "host:port"},
		{label: "master without sentinels", env: redisEnv("PASSERELLE_REDIS_SENTINEL_MASTER", "psl"),
			wantErr: "PASSERELLE_REDIS_SENTINELS", errSays: "required with PASSERELLE_REDIS_SENTINEL_MASTER"},
		{label: "sentinels without a master", env: redisEnv("PASSERELLE_REDIS_SENTINELS", "s1:26379"),
			wantErr: "PASSERELLE_REDIS_SENTINEL_MASTER", errSays: "required"},
		{label: "sentinel without a URL", env: map[string]string{"PASSERELLE_REDIS_SENTINEL_MASTER": "psl", "PASSERELLE_REDIS_SENTINELS": "s1:26379"},
			wantErr: "PASSERELLE_REDIS_URL", errSays: "password and database"},
	})
}

func TestLoadConfigCluster(t *testing.T) {
	t.Parallel()
	seeds := []string{"10.0.0.1:6379", "10.0.0.2:6379", "redis-2.internal:7000"}
	runConfigCases(t, []configCase{
		{label: "seeds", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379, 10.0.0.2:6379,,redis-2.internal:7000"),
			check: func(c Config) bool { return slices.Equal(c.RedisCluster, seeds) && c.RedisSentinelMaster == "" }},
		{label: "one seed, IPv6", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "[::1]:7000"),
			check: func(c Config) bool { return slices.Equal(c.RedisCluster, []string{"[::1]:7000"}) }},
		{label: "flag", env: redisEnv(), args: []string{"-redis-cluster", "10.0.0.1:6379"},
			check: func(c Config) bool { return slices.Equal(c.RedisCluster, []string{"10.0.0.1:6379"}) }},
		{label: "only commas", env: redisEnv("PASSERELLE_REDIS_CLUSTER", " , "),
			check: func(c Config) bool { return c.RedisCluster == nil }},
		{label: "URL without a database", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379",
			"PASSERELLE_REDIS_URL", "redis://default:"+testRedisPassword+"@ignored:6379"),
			check: func(c Config) bool { return len(c.RedisCluster) == 1 }},
		{label: "rediss URL with database 0", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379",
			"PASSERELLE_REDIS_URL", "rediss://default:"+testRedisPassword+"@ignored:6379/0"),
			check: func(c Config) bool { return len(c.RedisCluster) == 1 }},
		{label: "no port", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379,10.0.0.2"),
			wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: `host:port addresses separated by commas, got "10.0.0.2"`},
		{label: "no host", env: redisEnv("PASSERELLE_REDIS_CLUSTER", ":6379"), wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: "host:port"},
		{label: "port not a number", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "redis:http"), wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: "host:port"},
		{label: "port out of range", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "redis:70000"), wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: "host:port"},
		{label: "a URL instead", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "redis://10.0.0.1:6379"), wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: "host:port"},
		{label: "with sentinel", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379",
			"PASSERELLE_REDIS_SENTINEL_MASTER", "psl", "PASSERELLE_REDIS_SENTINELS", "s1:26379"),
			wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: "not with PASSERELLE_REDIS_SENTINEL_MASTER"},
		{label: "with sentinel addresses only", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379", "PASSERELLE_REDIS_SENTINELS", "s1:26379"),
			wantErr: "PASSERELLE_REDIS_CLUSTER", errSays: "not with"},
		{label: "without a URL", env: map[string]string{"PASSERELLE_REDIS_CLUSTER": "10.0.0.1:6379"},
			wantErr: "PASSERELLE_REDIS_URL", errSays: "required with PASSERELLE_REDIS_CLUSTER"},
		{label: "database 2", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379",
			"PASSERELLE_REDIS_URL", "redis://default:"+testRedisPassword+"@ignored:6379/2"),
			wantErr: "PASSERELLE_REDIS_URL", errSays: "database must be 0"},
		{label: "database in the query", env: redisEnv("PASSERELLE_REDIS_CLUSTER", "10.0.0.1:6379",
			"PASSERELLE_REDIS_URL", "redis://default:"+testRedisPassword+"@ignored:6379?db=3"),
			wantErr: "PASSERELLE_REDIS_URL", errSays: "database must be 0"},
	})
}
