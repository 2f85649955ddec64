package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/store/redisstore"
)

// TestUnreadableConversation: a conversation record whose version cannot
// be read loads without an error, and a commit with the version Load gave
// replaces it, through both commit scripts (a bare hop and one with
// effects). A record with a readable version and any state loads as it is.
func TestUnreadableConversation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label, value string
		version      int64 // what Load reads
		state        string
	}{
		{"no version", "garbage", redisstore.VersionUnreadable, "garbage"},
		{"no digits", "abc:def", redisstore.VersionUnreadable, "abc:def"},
		{"colon first", ":x", redisstore.VersionUnreadable, ":x"},
		{"leading zeros", "007:x", redisstore.VersionUnreadable, "007:x"},
		{"negative", "-3:x", redisstore.VersionUnreadable, "-3:x"},
		{"19 digits", "1234567890123456789:x", redisstore.VersionUnreadable, "1234567890123456789:x"},
		{"30 digits", "123456789012345678901234567890:x", redisstore.VersionUnreadable, "123456789012345678901234567890:x"},
		{"empty", "", 0, ""},
		{"readable version, garbage state", "7:<garbage>", 7, "<garbage>"},
		{"18 digits", "123456789012345678:x", 123456789012345678, "x"},
	}
	ctx := context.Background()
	for i, c := range cases {
		for _, effects := range []bool{false, true} {
			name := c.label
			if effects {
				name += " with effects"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s, rdb, prefix := mustStore(t)
				p := person(900 + 2*i)
				if effects {
					p = person(901 + 2*i)
				}
				key := prefix + "conv:{" + string(p) + "}"
				if err := rdb.Set(ctx, key, c.value, time.Hour).Err(); err != nil {
					t.Fatal(err)
				}
				conv, err := s.Load(ctx, p, "")
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				wantState := []byte(c.state)
				if c.value == "" {
					wantState = nil
				}
				if conv.Version != c.version || string(conv.State) != string(wantState) || (conv.State == nil) != (wantState == nil) {
					t.Fatalf("Load = version %d state %q, want %d %q", conv.Version, conv.State, c.version, wantState)
				}
				ch := msg.Change{Version: conv.Version, State: []byte("fresh"), StateTTL: time.Hour}
				if effects {
					ch.Effects.OptOut = msg.OptedIn
				}
				if err := s.Commit(ctx, p, ch); err != nil {
					t.Fatalf("Commit over the record: %v", err)
				}
				raw, err := rdb.Get(ctx, key).Result()
				if err != nil || !strings.HasSuffix(raw, ":fresh") {
					t.Fatalf("stored %q (%v), want the new state", raw, err)
				}
				again, err := s.Load(ctx, p, "")
				if err != nil || again.Version < 1 || string(again.State) != "fresh" {
					t.Fatalf("Load after the commit = %+v, %v", again, err)
				}
				// The record was replaced: the version read before conflicts.
				if err := s.Commit(ctx, p, msg.Change{Version: conv.Version, State: []byte("late")}); !errors.Is(err, msg.ErrConflict) {
					t.Fatalf("a commit with the old version: %v, want a conflict", err)
				}
			})
		}
	}
}

// TestUnreadableConversationReplacedMeanwhile: a hop that read an
// unreadable record conflicts when another hop replaced it first, and its
// retry reads the new state.
func TestUnreadableConversationReplacedMeanwhile(t *testing.T) {
	t.Parallel()
	s, rdb, prefix := mustStore(t)
	ctx := context.Background()
	p := person(960)
	key := prefix + "conv:{" + string(p) + "}"
	if err := rdb.Set(ctx, key, "garbage", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	a, errA := s.Load(ctx, p, "")
	b, errB := s.Load(ctx, p, "")
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: a.Version, State: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, p, msg.Change{Version: b.Version, State: []byte("b")}); !errors.Is(err, msg.ErrConflict) {
		t.Fatalf("second commit over the replaced record: %v, want a conflict", err)
	}
	if c, err := s.Load(ctx, p, ""); err != nil || string(c.State) != "a" || c.Version != 1 {
		t.Fatalf("Load = %+v, %v", c, err)
	}
}

// TestConversationKeyOfAnotherType: a conversation key holding another type
// than a string reads as no conversation, and the first commit replaces it.
func TestConversationKeyOfAnotherType(t *testing.T) {
	t.Parallel()
	s, rdb, prefix := mustStore(t)
	ctx := context.Background()
	for i, effects := range []bool{false, true} {
		p := person(970 + i)
		key := prefix + "conv:{" + string(p) + "}"
		if err := rdb.HSet(ctx, key, "f", "v").Err(); err != nil {
			t.Fatal(err)
		}
		conv, err := s.Load(ctx, p, "")
		if err != nil || conv.Version != 0 || conv.State != nil {
			t.Fatalf("Load = %+v, %v", conv, err)
		}
		ch := msg.Change{Version: conv.Version, State: []byte("fresh"), StateTTL: time.Hour}
		if effects {
			ch.Effects.OptOut = msg.OptedIn
		}
		if err := s.Commit(ctx, p, ch); err != nil {
			t.Fatalf("Commit (effects %v): %v", effects, err)
		}
		if c, err := s.Load(ctx, p, ""); err != nil || string(c.State) != "fresh" {
			t.Fatalf("Load after the commit = %+v, %v", c, err)
		}
	}
}
