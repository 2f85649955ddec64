package redisstore

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
)

// CommitPersonOnly is the first step of a split commit alone, as a gateway
// that stops before applying the effects leaves it. It returns the log.
func (s *Store) CommitPersonOnly(ctx context.Context, p msg.PersonID, c msg.Change) ([]string, error) {
	r, err := s.commitPerson(ctx, p, c)
	return r.log, err
}

// ApplyLog applies log for p as a late hand-over would.
func (s *Store) ApplyLog(ctx context.Context, p msg.PersonID, log []string) (int, error) {
	a, err := s.applyLog(ctx, p, log)
	return a.entries, err
}
