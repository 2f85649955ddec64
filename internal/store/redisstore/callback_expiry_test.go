package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// eraseAfterExists deletes a key right after any EXISTS command on it
// answers, as an erasure or an expiry landing between a check and a write
// would.
type eraseAfterExists struct{ other redis.UniversalClient }

func (h eraseAfterExists) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h eraseAfterExists) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if strings.EqualFold(cmd.Name(), "exists") {
			for _, a := range cmd.Args()[1:] {
				h.other.Del(ctx, a.(string))
			}
		}
		return err
	}
}

func (h eraseAfterExists) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestCloseCallbackNeverRecreates: closing a request erased or expired
// meanwhile must not recreate its hash (without a TTL, it would then live
// forever).
func TestCloseCallbackNeverRecreates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	plain := redistest.Client(t)
	prefix := redistest.Prefix(t, plain)
	hooked := redistest.Client(t)
	hooked.AddHook(eraseAfterExists{other: plain})
	s := redisstore.New(hooked, prefix)
	at := time.Now().UTC()
	if err := s.SaveCallback(ctx, msg.Callback{Ref: "CBRACE", Person: person(70), Phone: phone(70), Created: at}); err != nil {
		t.Fatal(err)
	}
	k := prefix + "cb:{g}:CBRACE"
	err := s.CloseCallback(ctx, "CBRACE", at)
	switch ttl := plain.TTL(ctx, k).Val(); {
	case plain.Exists(ctx, k).Val() == 1 && ttl <= 0:
		t.Fatalf("closing recreated %s without a TTL (%v); err %v", k, ttl, err)
	case err == nil && plain.HGet(ctx, k, "done").Val() == "":
		t.Fatal("closed but not marked done")
	}

	// A request that expired before it is closed: not found, nothing
	// recreated, its ref dropped from the sets.
	if err := s.SaveCallback(ctx, msg.Callback{Ref: "CBEXP", Person: person(71), Phone: phone(71), Created: at}); err != nil {
		t.Fatal(err)
	}
	plain.Del(ctx, prefix+"cb:{g}:CBEXP")
	if err := s.CloseCallback(ctx, "CBEXP", at); !errors.Is(err, msg.ErrNotFound) {
		t.Fatalf("closing an expired request: %v", err)
	}
	if plain.Exists(ctx, prefix+"cb:{g}:CBEXP").Val() != 0 {
		t.Fatal("closing an expired request recreated it")
	}
	for _, set := range []string{"cbopen:{g}", "cball:{g}"} {
		if _, err := plain.ZScore(ctx, prefix+set, "CBEXP").Result(); !errors.Is(err, redis.Nil) {
			t.Errorf("%s still holds CBEXP", set)
		}
	}
}

// TestCallbacksDropExpired: refs whose hash expired leave the sorted sets
// when a page meets them, so that totals and pages count only what exists.
func TestCallbacksDropExpired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	at := time.Now().UTC().Truncate(time.Millisecond)
	for i, ref := range []string{"CB1", "CB2", "CB3", "CB4"} {
		c := msg.Callback{Ref: ref, Person: person(80 + i), Phone: phone(80 + i), Created: at.Add(time.Duration(i) * time.Minute)}
		if err := s.SaveCallback(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// Newest first: CB4, CB3, CB2, CB1. CB3 and CB2 expire.
	rdb.Del(ctx, prefix+"cb:{g}:CB3", prefix+"cb:{g}:CB2")
	for _, all := range []bool{false, true} {
		page, total, err := s.Callbacks(ctx, all, 1, 1)
		if err != nil || total != 2 || len(page) != 1 || page[0].Ref != "CB1" {
			t.Fatalf("all=%v: second page %+v, total %d, %v; want [CB1] of 2", all, page, total, err)
		}
		page, total, err = s.Callbacks(ctx, all, 0, 10)
		if err != nil || total != 2 || len(page) != 2 || page[0].Ref != "CB4" || page[1].Ref != "CB1" {
			t.Fatalf("all=%v: %+v, total %d, %v", all, page, total, err)
		}
	}
	for _, set := range []string{"cbopen:{g}", "cball:{g}"} {
		if n := rdb.ZCard(ctx, prefix+set).Val(); n != 2 {
			t.Errorf("%s holds %d refs, want 2", set, n)
		}
	}
}

// TestCallbackTTLFollowsRetention: a call-back request is kept as long as
// registrations, the configured retention (PASSERELLE_RETENTION), not a
// period of its own; whether it is saved alone or by a hop's commit.
func TestCallbackTTLFollowsRetention(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label     string
		retention time.Duration // 0: not set
		want      time.Duration
	}{
		{label: "default: 2 years", want: redisstore.DefaultRetention},
		{label: "short retention", retention: 36 * time.Hour, want: 36 * time.Hour},
		{label: "longer than the old 180 days", retention: 400 * 24 * time.Hour, want: 400 * 24 * time.Hour},
	}
	for i, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, rdb, prefix := mustStore(t)
			if c.retention != 0 {
				s.WithRetention(c.retention)
			}
			if got := s.Retention(); got != c.want {
				t.Fatalf("Retention() = %v, want %v", got, c.want)
			}
			cb := msg.Callback{Ref: fmt.Sprintf("CBTTL%d", i), Person: person(300 + i), Phone: phone(300 + i), Created: time.Now().UTC()}
			if err := s.SaveCallback(ctx, cb); err != nil {
				t.Fatal(err)
			}
			ttl := rdb.TTL(ctx, prefix+"cb:{g}:"+cb.Ref).Val()
			if ttl > c.want || ttl < c.want-time.Minute {
				t.Fatalf("call-back kept %v, want the retention %v", ttl, c.want)
			}
		})
	}
}

// TestCommitCallbackTTLFollowsRetention: a call-back request a hop commits
// (effects.go's CBTTL) is kept for the configured retention too.
func TestCommitCallbackTTLFollowsRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	s.WithRetention(36 * time.Hour)
	p := person(320)
	cb := msg.Callback{Ref: "CBHOP", Person: p, Phone: phone(320), Created: time.Now().UTC()}
	if err := s.Commit(ctx, p, msg.Change{Effects: msg.Effects{Callbacks: []msg.Callback{cb}}}); err != nil {
		t.Fatal(err)
	}
	ttl := rdb.TTL(ctx, prefix+"cb:{g}:CBHOP").Val()
	if want := 36 * time.Hour; ttl > want || ttl < want-time.Minute {
		t.Fatalf("committed call-back kept %v, want the retention %v", ttl, want)
	}
}
