package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// OutboundTTL is how long an outbound message's record and status are kept.
const OutboundTTL = 30 * 24 * time.Hour

// Outbound message records: msg:{msg}:<id> hash provider, provider_id,
// state, code, updated — no person and no number, so erasure has nothing to
// find there. Opt-outs: optout:{opt}, a set of PersonIDs; erasure keeps a
// person's entry there so that STOP still holds.

func (k keyspace) outbound(id string) string { return k.prefix + "msg:{msg}:" + id }
func (k keyspace) optout() string            { return k.prefix + "optout:{opt}" }

// RecordOutbound notes a message handed to a provider, so that its
// delivery reports can be checked and counted. It returns the store's error
// (wrapped).
func (s *Store) RecordOutbound(ctx context.Context, id, provider, providerID string, at time.Time) error {
	k := s.keys.outbound(id)
	_, err := s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, k, "provider", provider, "provider_id", providerID,
			"state", string(msg.Sent), "updated", at.UTC().Format(time.RFC3339))
		pipe.Expire(ctx, k, OutboundTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error recording outbound message: %w", err)
	}
	return nil
}

// RecordStatus stores a delivery report under our message id (a report
// for a message we have no record of is kept too). Opting the recipient out
// on a "blocked" code is the caller's: the report names the number. It
// returns the store's error (wrapped).
func (s *Store) RecordStatus(ctx context.Context, st msg.Status) error {
	if st.ID == "" {
		return errors.New("error recording status: no message id")
	}
	k := s.keys.outbound(st.ID)
	_, err := s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, k, "state", string(st.State), "code", st.Code, "updated", st.At.UTC().Format(time.RFC3339))
		if st.ProviderID != "" {
			pipe.HSet(ctx, k, "provider_id", st.ProviderID)
		}
		if st.Provider != "" {
			pipe.HSet(ctx, k, "provider", st.Provider)
		}
		pipe.Expire(ctx, k, OutboundTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error recording status: %w", err)
	}
	return nil
}

// Status returns the last delivery state of our message id, or
// msg.ErrNotFound. It returns the store's error (wrapped).
func (s *Store) Status(ctx context.Context, id string) (msg.Status, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.outbound(id)).Result()
	if err != nil {
		return msg.Status{}, fmt.Errorf("error reading status: %w", err)
	}
	if len(h) == 0 {
		return msg.Status{}, fmt.Errorf("error reading status %s: %w", id, msg.ErrNotFound)
	}
	at, _ := time.Parse(time.RFC3339, h["updated"])
	return msg.Status{ID: id, Provider: h["provider"], ProviderID: h["provider_id"], State: msg.DeliveryState(h["state"]), Code: h["code"], At: at}, nil
}

// SetOptOut records that a person wants no campaign message (out) or wants
// them again. It returns the store's error (wrapped).
func (s *Store) SetOptOut(ctx context.Context, p msg.PersonID, out bool) error {
	var err error
	if out {
		err = s.rdb.SAdd(ctx, s.keys.optout(), string(p)).Err()
	} else {
		err = s.rdb.SRem(ctx, s.keys.optout(), string(p)).Err()
	}
	if err != nil {
		return fmt.Errorf("error setting opt-out: %w", err)
	}
	return nil
}

// OptedOut tells whether a person opted out. It returns the store's error
// (wrapped).
func (s *Store) OptedOut(ctx context.Context, p msg.PersonID) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, s.keys.optout(), string(p)).Result()
	if err != nil {
		return false, fmt.Errorf("error reading opt-out: %w", err)
	}
	return ok, nil
}
