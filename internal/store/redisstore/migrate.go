package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// layoutVersion is the key layout this code reads and writes: 2 is the one
// hash tag {g} for every shared key (layout 1 gave each family a tag of its
// own, and obp, cr and crp the person's tag).
const layoutVersion = "2"

// ConflictTTL is how long an old key that met a new one of the same name
// is kept aside (under "layout1:") for an operator.
const ConflictTTL = 30 * 24 * time.Hour

// MigrateBatch is the SCAN COUNT of MigrateLayout: one SCAN and one
// pipeline of renames a page.
const MigrateBatch = 1000

func (k keyspace) layout() string { return k.prefix + "layout:{g}" }

// oldTags maps each kind of shared key to its hash tag in layout 1:
// <prefix><kind>:{<tag>}[:<rest>] is now <prefix><kind>:{g}[:<rest>].
var oldTags = func() map[string]string {
	m := map[string]string{}
	for tag, kinds := range map[string][]string{
		"reg":   {"reg", "regp", "regs", "idx", "regstream", "tmp"},
		"cb":    {"cb", "cbopen", "cball", "cbp"},
		"opt":   {"optout"},
		"ob":    {"ob", "obm", "obdelay", "obdead", "obpid", "obstats"},
		"camp":  {"camp", "camps", "campstat", "camprc", "camprsp", "camplock", "campactive"},
		"sub":   {"sub"},
		"stats": {"stats"},
		"audit": {"audit"},
	} {
		for _, k := range kinds {
			m[k] = tag
		}
	}
	return m
}()

// personMoved are the kinds of per-person key that left the person's tag:
// <prefix><kind>:{<PersonID>} is now <prefix><kind>:{g}:<PersonID>.
var personMoved = map[string]bool{"obp": true, "cr": true, "crp": true}

// newKeyName returns the layout-2 name of a layout-1 key under prefix, and
// false for a key that keeps its name (a person's or staff's key, a key of
// layout 2, a key of another prefix).
func newKeyName(prefix, old string) (string, bool) {
	rest, ok := strings.CutPrefix(old, prefix)
	if !ok {
		return "", false
	}
	kind, tail, ok := strings.Cut(rest, ":")
	if !ok {
		return "", false
	}
	if tag, ok := oldTags[kind]; ok {
		after, ok := strings.CutPrefix(tail, "{"+tag+"}")
		if !ok || (after != "" && after[0] != ':') {
			return "", false
		}
		return prefix + kind + ":{g}" + after, true
	}
	if personMoved[kind] {
		inner, ok := strings.CutPrefix(tail, "{")
		if !ok {
			return "", false
		}
		p, ok := strings.CutSuffix(inner, "}")
		if !ok || p == "" || strings.ContainsAny(p, "{}") {
			return "", false
		}
		return prefix + kind + ":{g}:" + p, true
	}
	return "", false
}

// oldKind names the kind of a layout-1 key for logs, without the part that
// may name a person, a registration or a message ("obp:{<person>}",
// "reg:{reg}").
func oldKind(prefix, old string) string {
	kind, _, _ := strings.Cut(strings.TrimPrefix(old, prefix), ":")
	if personMoved[kind] {
		return kind + ":{<person>}"
	}
	return kind + ":{" + oldTags[kind] + "}"
}

// renameScript moves one key to its new name, only if the old key still
// exists and the new one does not: another gateway may be migrating too, or
// a run may have been interrupted. KEYS: 1 old, 2 new. It returns 1 when it
// renamed, 0 when the old key is gone, -1 when both exist (nothing changed).
// RENAME keeps the value whole: TTL, a stream's consumer groups and their
// pending entries.
//
// One exception: a new stream without entries gives way to the old stream.
// A stream is the one type that exists empty: OutboxInit makes the outbox
// streams with their group (XGROUP CREATE MKSTREAM), so a worker started
// before the migration would otherwise hide the messages still queued
// under the old name. Its group, made from scratch, holds nothing either.
//
// A key found under both names otherwise is a conflict: the new key stays,
// and the old one is set aside under KEYS[3] (the old name with "layout1:"
// after the prefix, which no layout reads or migrates) for ARGV[1] ms, for
// an operator to look at; so it can never come back later under the new
// name, after the new key expired or was erased, and it does not outlive
// the retention of what it may hold by much.
var renameScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  if redis.call('TYPE', KEYS[2]).ok ~= 'stream' or redis.call('TYPE', KEYS[1]).ok ~= 'stream' or
    redis.call('XLEN', KEYS[2]) ~= 0 then
    redis.call('RENAME', KEYS[1], KEYS[3])
    redis.call('PEXPIRE', KEYS[3], ARGV[1])
    return -1
  end
end
redis.call('RENAME', KEYS[1], KEYS[2])
return 1
`)

// migration is the tally of one MigrateLayout run.
type migration struct {
	mu        sync.Mutex
	moved     int
	conflicts map[string]int // old kind → keys left in place
}

// MigrateLayout renames every key of the store written in key layout 1 (the
// shared tags {reg}, {cb}, {opt}, {ob}, {camp}, {sub}, {stats}, {audit}; obp,
// cr and crp under the person's tag) to its layout-2 name, then records the
// layout in the marker key <prefix>layout:{g} ("2"). With the marker set it
// costs one GET and returns at once. It returns how many keys it renamed.
//
// It walks the keys with SCAN (MigrateBatch a page) and renames each in a
// script that moves it only if the old key still exists and the new one
// does not, so that gateways starting together, or a run interrupted and
// started again, lose nothing. A key found under both names (a gateway of
// layout 2 wrote before the migration) is a conflict: the new key is kept,
// the old one is set aside as <prefix>layout1:<its name after the prefix>
// for ConflictTTL, for an operator, and its kind is logged at Warn (never
// its name or content). A new stream without entries (an outbox stream
// made by OutboxInit) is no conflict: the old stream replaces it. Gateways
// of layout 1 must be stopped first: what they write after the marker is
// set is not moved.
//
// On a Redis Cluster every master is scanned, but a layout-1 key cannot be
// renamed across slots: the rename fails (layout 1 never ran on a cluster).
// It returns the store's error (wrapped).
func (s *Store) MigrateLayout(ctx context.Context) (int, error) {
	v, err := s.rdb.Get(ctx, s.keys.layout()).Result()
	switch {
	case err == nil && v == layoutVersion:
		return 0, nil
	case err == nil:
		return 0, fmt.Errorf("error migrating key layout: marker %q is not layout %s", v, layoutVersion)
	case !errors.Is(err, redis.Nil):
		return 0, fmt.Errorf("error migrating key layout: %w", err)
	}
	m := &migration{conflicts: map[string]int{}}
	err = s.forEachNode(ctx, func(ctx context.Context, c redis.UniversalClient) error {
		return s.migrateNode(ctx, c, m)
	})
	if err != nil {
		return m.moved, fmt.Errorf("error migrating key layout: %w", err)
	}
	if len(m.conflicts) > 0 {
		kinds := make([]string, 0, len(m.conflicts))
		for k := range m.conflicts {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			slog.WarnContext(ctx, "redis key layout: a key exists under its old and its new name; kept the new one, set the old one aside under layout1:… for 30 days",
				"kind", k, "keys", m.conflicts[k])
		}
	}
	if err := s.rdb.Set(ctx, s.keys.layout(), layoutVersion, 0).Err(); err != nil {
		return m.moved, fmt.Errorf("error migrating key layout: %w", err)
	}
	return m.moved, nil
}

// migrateNode walks one node's keys under the prefix and renames those of
// layout 1, one pipeline of scripts a SCAN page. Renaming during the walk
// is safe: SCAN returns every key present for the whole walk, and a new
// name it may return maps to nothing.
func (s *Store) migrateNode(ctx context.Context, c redis.UniversalClient, m *migration) error {
	pattern := escapeGlob(s.keys.prefix) + "*"
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, pattern, MigrateBatch).Result()
		if err != nil {
			return err
		}
		var olds, news []string
		for _, k := range keys {
			if nk, ok := newKeyName(s.keys.prefix, k); ok {
				olds, news = append(olds, k), append(news, nk)
			}
		}
		cmds := make([]*redis.Cmd, len(olds))
		if len(olds) > 0 {
			_, err = c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := range olds {
					cmds[i] = renameScript.Eval(ctx, p, []string{olds[i], news[i], s.keys.prefix + "layout1:" + strings.TrimPrefix(olds[i], s.keys.prefix)},
						ConflictTTL.Milliseconds())
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		m.mu.Lock()
		for i, cmd := range cmds {
			switch r, _ := cmd.Int(); r {
			case 1:
				m.moved++
			case -1:
				m.conflicts[oldKind(s.keys.prefix, olds[i])]++
			}
		}
		m.mu.Unlock()
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// escapeGlob escapes the pattern characters of SCAN MATCH in s.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
