package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// Console sessions and sign-in failures share the hash tag {staff}:
//
//	staffsess:{staff}:<id>      hash name, csrf, expires; expires with the session
//	stafffail:{staff}:<name>    failed sign-ins counted; expires after the lock-out
//
// A session's id is a digest of the cookie's token (the console hashes it),
// so that reading Redis gives no live session.

func (k keyspace) staffSession(id string) string { return k.prefix + "staffsess:{staff}:" + id }
func (k keyspace) staffFail(name string) string  { return k.prefix + "stafffail:{staff}:" + name }

// CreateStaffSession stores a session under id until s.Expires. It returns
// the store's error (wrapped).
func (s *Store) CreateStaffSession(ctx context.Context, id string, ss msg.StaffSession) error {
	if id == "" || ss.Name == "" || ss.Expires.IsZero() {
		return errors.New("error creating staff session: want an id, a name and an expiry")
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		k := s.keys.staffSession(id)
		p.HSet(ctx, k, "name", ss.Name, "csrf", ss.CSRF, "expires", ss.Expires.UTC().Format(createdLayout))
		p.ExpireAt(ctx, k, ss.Expires)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error creating staff session: %w", err)
	}
	return nil
}

// StaffSession returns the session of id, or msg.ErrNotFound (wrapped) when
// there is none or it has expired at now. It returns the store's error
// (wrapped).
func (s *Store) StaffSession(ctx context.Context, id string, now time.Time) (msg.StaffSession, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.staffSession(id)).Result()
	if err != nil {
		return msg.StaffSession{}, fmt.Errorf("error reading staff session: %w", err)
	}
	ss := msg.StaffSession{Name: h["name"], CSRF: h["csrf"]}
	ss.Expires, _ = time.Parse(createdLayout, h["expires"])
	if len(h) == 0 || ss.Name == "" || !now.Before(ss.Expires) {
		return msg.StaffSession{}, fmt.Errorf("error reading staff session: %w", msg.ErrNotFound)
	}
	return ss, nil
}

// DeleteStaffSession ends the session of id (signing out). It returns the
// store's error (wrapped).
func (s *Store) DeleteStaffSession(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.keys.staffSession(id)).Err(); err != nil {
		return fmt.Errorf("error deleting staff session: %w", err)
	}
	return nil
}

// StaffFailure counts a failed sign-in of name and returns how many there
// have been since the last success, within lockout of the latest one: the
// counter lives lockout after each failure. It returns the store's error
// (wrapped).
func (s *Store) StaffFailure(ctx context.Context, name string, lockout time.Duration) (int, error) {
	var n *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Incr(ctx, s.keys.staffFail(name))
		p.Expire(ctx, s.keys.staffFail(name), lockout)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("error counting a failed sign-in: %w", err)
	}
	return int(n.Val()), nil
}

// StaffFailures returns how many failed sign-ins of name are counted. It
// returns the store's error (wrapped).
func (s *Store) StaffFailures(ctx context.Context, name string) (int, error) {
	n, err := s.rdb.Get(ctx, s.keys.staffFail(name)).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("error reading failed sign-ins: %w", err)
	}
	return n, nil
}

// ClearStaffFailures forgets the failed sign-ins of name (after a
// success). It returns the store's error (wrapped).
func (s *Store) ClearStaffFailures(ctx context.Context, name string) error {
	if err := s.rdb.Del(ctx, s.keys.staffFail(name)).Err(); err != nil {
		return fmt.Errorf("error clearing failed sign-ins: %w", err)
	}
	return nil
}
