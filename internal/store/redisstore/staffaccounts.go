package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
)

// Staff accounts of the web console share the hash tag {staff}:
//
//	staff:{staff}:<name>        hash name, role, hash, created
//	staffs:{staff}              set of account names

func (k keyspace) staff(name string) string { return k.prefix + "staff:{staff}:" + name }
func (k keyspace) staffs() string           { return k.prefix + "staffs:{staff}" }

// createStaffScript stores an account unless its name is taken.
// KEYS: 1 hash, 2 names. ARGV: 1 name, 2 role, 3 hash, 4 created.
var createStaffScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'role', ARGV[2], 'hash', ARGV[3], 'created', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
return 0
`)

// CreateStaff stores a new staff account. It returns msg.ErrStaffExists
// (wrapped) when the name is taken, or the store's error (wrapped).
func (s *Store) CreateStaff(ctx context.Context, a msg.StaffAccount) error {
	if a.Name == "" || a.Hash == "" || !a.Role.Valid() {
		return errors.New("error creating staff account: want a name, a role and a password hash")
	}
	n, err := createStaffScript.Run(ctx, s.rdb, []string{s.keys.staff(a.Name), s.keys.staffs()},
		a.Name, string(a.Role), a.Hash, a.Created.UTC().Format(createdLayout)).Int()
	if err != nil {
		return fmt.Errorf("error creating staff account: %w", err)
	}
	if n == 1 {
		return fmt.Errorf("error creating staff account %s: %w", a.Name, msg.ErrStaffExists)
	}
	return nil
}

// StaffAccount returns the account of name, or msg.ErrNotFound (wrapped).
// It returns the store's error (wrapped).
func (s *Store) StaffAccount(ctx context.Context, name string) (msg.StaffAccount, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.staff(name)).Result()
	if err != nil {
		return msg.StaffAccount{}, fmt.Errorf("error reading staff account: %w", err)
	}
	if len(h) == 0 {
		return msg.StaffAccount{}, fmt.Errorf("error reading staff account %s: %w", name, msg.ErrNotFound)
	}
	return decodeStaff(h), nil
}

// StaffAccounts returns every staff account by name, without their
// password hashes. It returns the store's error (wrapped).
func (s *Store) StaffAccounts(ctx context.Context) ([]msg.StaffAccount, error) {
	names, err := s.rdb.SMembers(ctx, s.keys.staffs()).Result()
	if err != nil {
		return nil, fmt.Errorf("error listing staff accounts: %w", err)
	}
	sort.Strings(names)
	cmds := make([]*redis.SliceCmd, len(names))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range names {
			cmds[i] = p.HMGet(ctx, s.keys.staff(n), "name", "role", "created")
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("error listing staff accounts: %w", err)
	}
	out := make([]msg.StaffAccount, 0, len(names))
	for _, c := range cmds {
		v := c.Val()
		if len(v) != 3 || v[0] == nil {
			continue
		}
		h := map[string]string{}
		for i, k := range []string{"name", "role", "created"} {
			h[k], _ = v[i].(string)
		}
		out = append(out, decodeStaff(h))
	}
	return out, nil
}

func decodeStaff(h map[string]string) msg.StaffAccount {
	a := msg.StaffAccount{Name: h["name"], Role: msg.Role(h["role"]), Hash: h["hash"]}
	a.Created, _ = time.Parse(createdLayout, h["created"])
	return a
}

// DeleteStaff deletes the account of name (its sessions then open
// nothing: each request reads the account). It returns msg.ErrNotFound
// (wrapped) when there is none, or the store's error (wrapped).
func (s *Store) DeleteStaff(ctx context.Context, name string) error {
	var n *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Del(ctx, s.keys.staff(name))
		p.Del(ctx, s.keys.staffFail(name))
		p.SRem(ctx, s.keys.staffs(), name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("error deleting staff account: %w", err)
	}
	if n.Val() == 0 {
		return fmt.Errorf("error deleting staff account %s: %w", name, msg.ErrNotFound)
	}
	return nil
}
