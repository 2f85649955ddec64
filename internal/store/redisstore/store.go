package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/seal"

	"github.com/redis/go-redis/v9"
)

// Store is Passerelle's Redis store. It is safe for concurrent use.
type Store struct {
	rdb  redis.UniversalClient
	keys keyspace
	// outboxRetention is how long an outbound message's record is kept.
	outboxRetention time.Duration
	// retention is how long registrations and call-back requests are kept
	// (retention_setting.go).
	retention time.Duration
	// seal encrypts registration numbers and answers at rest (nil: off).
	seal *seal.Keys
	// operator names a number's mobile operator, for the staff's counts
	// of registrations by operator (nil: not counted).
	operator func(msg.Address) string
	// split commits as Redis Cluster needs: the person's slot first, then
	// the shared effects (split.go).
	split bool
	// log reports what the store carries on with after a failure.
	log *slog.Logger
	// funnel adds up staff's funnel counts before they are written
	// (funnel.go).
	funnel *funnel
	// batch sends the hops' commands together (batch.go); nil: alone.
	batch *batcher
}

// New returns a Store over an existing client, every key starting with
// prefix. prefix must not contain '{' or '}'. New does not contact Redis.
// Over a Cluster client the store commits as a Cluster needs (split.go).
func New(client redis.UniversalClient, prefix string) *Store {
	_, cluster := client.(*redis.ClusterClient)
	s := &Store{rdb: client, keys: newKeyspace(prefix), split: cluster}
	if !cluster {
		// On a Cluster a batch would wait for its slowest node: a node
		// down would hold up the hops of people on every other.
		s.batch = newBatcher(client, batchWorkers())
	}
	s.funnel = &funnel{write: s.writeFunnel, failed: func(err error) {
		s.logger().Warn("funnel counts not written yet: kept for the next write", "err", err)
	}}
	return s
}

// WithOutboxRetention sets how long an outbound message's record (its
// outcome, without number or text once settled) is kept; zero keeps
// DefaultOutboxRetention. It returns s.
func (s *Store) WithOutboxRetention(d time.Duration) *Store {
	s.outboxRetention = d
	return s
}

// WithSeal turns on the encryption of registration numbers and answers at
// rest with keys (nil turns it off; sealed values then fail to read). It
// returns s.
func (s *Store) WithSeal(keys *seal.Keys) *Store {
	s.seal = keys
	return s
}

// WithOperators counts registrations by the mobile operator of their
// number, as of names it (msg.Operators.Of). It returns s.
func (s *Store) WithOperators(of func(msg.Address) string) *Store {
	s.operator = of
	return s
}

// Ping checks that Redis answers, for readiness probes. It returns the
// client's error (wrapped) when it does not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("error pinging redis: %w", err)
	}
	return nil
}

// Close writes the funnel counts the store holds, then closes the client.
// It returns the first error, if any.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ferr := s.funnel.close(ctx)
	if err := s.rdb.Close(); err != nil {
		return fmt.Errorf("error closing redis client: %w", err)
	}
	return ferr
}

// loadScripts caches every script on the server so that the first hops do
// not pay the EVALSHA miss. Scripts are re-sent by EVAL if the server loses
// them (restart, failover).
func (s *Store) loadScripts(ctx context.Context) error {
	for _, sc := range []*redis.Script{commitScript.Script, hopScript.Script, eraseScript, enqueueScript,
		beginScript, finishScript, promoteScript, reportScript, personScript, applyScript, forgetScript} {
		if err := sc.Load(ctx, s.rdb).Err(); err != nil {
			return fmt.Errorf("error loading scripts: %w", err)
		}
	}
	return nil
}
