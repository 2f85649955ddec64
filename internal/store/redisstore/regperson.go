package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// RegistrationOf returns the person's registration. It returns
// msg.ErrNotFound (wrapped) when they have none, or the store's error.
func (s *Store) RegistrationOf(ctx context.Context, p msg.PersonID) (msg.Registration, error) {
	ref, err := s.rdb.HGet(ctx, s.keys.regp, string(p)).Result()
	if errors.Is(err, redis.Nil) {
		return msg.Registration{}, fmt.Errorf("error reading registration: %w", msg.ErrNotFound)
	}
	if err != nil {
		return msg.Registration{}, fmt.Errorf("error reading registration: %w", err)
	}
	return s.Registration(ctx, ref)
}
