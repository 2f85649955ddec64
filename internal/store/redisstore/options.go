package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Default timeouts, short because a USSD hop must answer within seconds.
const (
	DefaultDialTimeout  = 500 * time.Millisecond
	DefaultReadTimeout  = 300 * time.Millisecond
	DefaultWriteTimeout = 300 * time.Millisecond
)

// Options configure Open. Zero durations take the defaults above, or the
// value the URL carries (dial_timeout, read_timeout, write_timeout).
type Options struct {
	// URL is a redis:// or rediss:// URL (user, password, host, port, db).
	URL string
	// Prefix starts every key, for example "psl:". It must not contain '{'
	// or '}', which would change the keys' hash tags.
	Prefix string
	// SentinelMaster and Sentinels, when set, reach Redis through Sentinel:
	// the master's name and the sentinels' host:port addresses. The URL's
	// host is then ignored; its password and database still apply (to the
	// master), and SentinelPassword authenticates to the sentinels.
	SentinelMaster   string
	Sentinels        []string
	SentinelPassword string
	// Cluster, when set, reaches a Redis Cluster through these host:port
	// seed addresses (the client learns the other nodes from them). The
	// URL's host is then ignored; its user and password still apply. It
	// cannot be combined with Sentinel, and a Cluster has only database 0.
	Cluster []string

	DialTimeout, ReadTimeout, WriteTimeout time.Duration
}

// Open connects to the Redis named by opts.URL and checks it with a PING.
// It returns an error when the URL or prefix is invalid or the server does
// not answer; the client is closed in that case.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, errors.New("error opening redis store: prefix must not contain '{' or '}'")
	}
	uo, err := universalOptions(opts)
	if err != nil {
		return nil, err
	}
	s := New(redis.NewUniversalClient(uo), opts.Prefix).WithSplitCommit(len(opts.Cluster) > 0)
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("error opening redis store: %w", err)
	}
	if err := s.loadScripts(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("error opening redis store: %w", err)
	}
	return s, nil
}

// universalOptions turns Options into go-redis options: one address, or a
// master found through Sentinel (go-redis follows a failover), short
// timeouts bound to the request context, one retry.
func universalOptions(opts Options) (*redis.UniversalOptions, error) {
	if !strings.HasPrefix(opts.URL, "redis://") && !strings.HasPrefix(opts.URL, "rediss://") {
		return nil, errors.New("error parsing redis URL: want redis:// or rediss://")
	}
	o, err := redis.ParseURL(opts.URL)
	if err != nil {
		// The URL may hold a password: do not echo it.
		return nil, errors.New("error parsing redis URL: malformed")
	}
	addrs := []string{o.Addr}
	if len(opts.Cluster) > 0 {
		if opts.SentinelMaster != "" {
			return nil, errors.New("error configuring redis: cluster and sentinel together")
		}
		if o.DB != 0 {
			return nil, errors.New("error configuring redis cluster: a cluster has only database 0")
		}
		return clusterOptions(opts, o), nil
	}
	if opts.SentinelMaster != "" {
		if len(opts.Sentinels) == 0 {
			return nil, errors.New("error configuring sentinel: no sentinel address")
		}
		addrs = opts.Sentinels
	}
	return &redis.UniversalOptions{
		Addrs:                 addrs,
		MasterName:            opts.SentinelMaster,
		SentinelPassword:      opts.SentinelPassword,
		Username:              o.Username,
		Password:              o.Password,
		DB:                    o.DB,
		Protocol:              protocol(o.Protocol),
		ClientName:            o.ClientName,
		TLSConfig:             o.TLSConfig,
		PoolSize:              o.PoolSize,
		MinIdleConns:          o.MinIdleConns,
		MaxRetries:            1,
		DialTimeout:           pick(opts.DialTimeout, o.DialTimeout, DefaultDialTimeout),
		ReadTimeout:           pick(opts.ReadTimeout, o.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:          pick(opts.WriteTimeout, o.WriteTimeout, DefaultWriteTimeout),
		ContextTimeoutEnabled: true,
	}, nil
}

// clusterOptions are universalOptions for a Redis Cluster (a ClusterClient,
// even with one seed address).
func clusterOptions(opts Options, o *redis.Options) *redis.UniversalOptions {
	return &redis.UniversalOptions{
		Addrs:                 append([]string(nil), opts.Cluster...),
		IsClusterMode:         true,
		Username:              o.Username,
		Password:              o.Password,
		Protocol:              protocol(o.Protocol),
		ClientName:            o.ClientName,
		TLSConfig:             o.TLSConfig,
		PoolSize:              o.PoolSize,
		MinIdleConns:          o.MinIdleConns,
		MaxRetries:            1,
		MaxRedirects:          3,
		DialTimeout:           pick(opts.DialTimeout, o.DialTimeout, DefaultDialTimeout),
		ReadTimeout:           pick(opts.ReadTimeout, o.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:          pick(opts.WriteTimeout, o.WriteTimeout, DefaultWriteTimeout),
		ContextTimeoutEnabled: true,
	}
}

// protocol is the RESP version spoken to Redis: the URL's (?protocol=3),
// else RESP2. The store uses nothing RESP3 adds (push notifications,
// client-side caching), and under RESP3 go-redis looks for pending push
// notifications before every reply it reads: about 2 % of a hop's CPU.
func protocol(fromURL int) int {
	if fromURL > 0 {
		return fromURL
	}
	return defaultProtocol
}

// defaultProtocol is RESP2 (redistest.Protocol, what test clients speak,
// is held equal to it by TestProtocol).
const defaultProtocol = 2

// pick returns the first positive duration of explicit, fromURL and def.
func pick(explicit, fromURL, def time.Duration) time.Duration {
	if explicit > 0 {
		return explicit
	}
	if fromURL > 0 {
		return fromURL
	}
	return def
}
