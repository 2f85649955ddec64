package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// AppendAudit appends a staff action or read to the audit stream
// (audit:{g}, capped at about AuditMaxLen entries): who, when, what and
// details as key/value pairs. It returns the store's error (wrapped).
func (s *Store) AppendAudit(ctx context.Context, who string, at time.Time, action string, kv ...string) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		s.audit(ctx, p, who, at, action, kv...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error writing audit entry: %w", err)
	}
	return nil
}

// AuditEntries returns up to limit audit entries, newest first, older than
// the entry before ("" for the newest). It returns the store's error
// (wrapped).
func (s *Store) AuditEntries(ctx context.Context, before string, limit int) ([]msg.AuditEntry, error) {
	end := "+"
	if before != "" {
		end = "(" + before
	}
	es, err := s.rdb.XRevRangeN(ctx, s.keys.audit(), end, "-", int64(limit)).Result()
	if err != nil {
		return nil, fmt.Errorf("error reading audit: %w", err)
	}
	out := make([]msg.AuditEntry, 0, len(es))
	for _, e := range es {
		f := make(map[string]string, len(e.Values))
		for k, v := range e.Values {
			f[k] = fmt.Sprint(v)
		}
		out = append(out, msg.AuditEntry{ID: e.ID, Fields: f})
	}
	return out, nil
}
