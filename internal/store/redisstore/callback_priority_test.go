package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestCallbacksPriority: open call-back requests come urgent ones first (the
// emergency page's topic "emergency"), each group newest first, across
// pages; whether saved alone or by a hop's commit. The list of every
// request stays newest first; an urgent request closed leaves the open list.
func TestCallbacksPriority(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, rdb, prefix := mustStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	// Created in this order, a minute apart.
	topics := []struct{ ref, topic string }{
		{"CBA", "documents"}, {"CBU1", "emergency"}, {"CBB", "protection"}, {"CBU2", "emergency"}, {"CBC", ""}, {"CBU3", "emergency"},
	}
	for i, c := range topics {
		cb := msg.Callback{Ref: c.ref, Person: person(90 + i), Phone: phone(90 + i), Lang: msg.French, Topic: c.topic, Created: at.Add(time.Duration(i) * time.Minute)}
		var err error
		if i%2 == 0 {
			err = s.SaveCallback(ctx, cb)
		} else { // as a hop records it
			err = s.Commit(ctx, cb.Person, msg.Change{State: []byte("s"), Effects: msg.Effects{Callbacks: []msg.Callback{cb}}})
		}
		if err != nil {
			t.Fatalf("save %s: %v", c.ref, err)
		}
	}
	refs := func(cs []msg.Callback) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Ref
		}
		return out
	}
	pages := []struct {
		all           bool
		offset, limit int
		want          []string
	}{
		{false, 0, 10, []string{"CBU3", "CBU2", "CBU1", "CBC", "CBB", "CBA"}},
		{false, 0, 2, []string{"CBU3", "CBU2"}},
		{false, 2, 2, []string{"CBU1", "CBC"}},
		{false, 4, 2, []string{"CBB", "CBA"}},
		{false, 6, 2, []string{}},
		{true, 0, 10, []string{"CBU3", "CBC", "CBU2", "CBB", "CBU1", "CBA"}},
	}
	for _, p := range pages {
		got, total, err := s.Callbacks(ctx, p.all, p.offset, p.limit)
		if err != nil || total != 6 || !slices.Equal(refs(got), p.want) {
			t.Errorf("all=%v offset %d limit %d: %v of %d (%v), want %v of 6", p.all, p.offset, p.limit, refs(got), total, err, p.want)
		}
	}
	for _, c := range topics {
		if got, want := s.CallbackPriority(msg.Callback{Topic: c.topic}), c.topic == "emergency"; got != want {
			t.Errorf("CallbackPriority(%q) = %v", c.topic, got)
		}
	}
	// Closed, expired: out of the open list; the rest keeps its order.
	if err := s.CloseCallback(ctx, "CBU2", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rdb.Del(ctx, prefix+"cb:{g}:CBU3")
	got, total, err := s.Callbacks(ctx, false, 0, 10)
	if want := []string{"CBU1", "CBC", "CBB", "CBA"}; err != nil || total != 4 || !slices.Equal(refs(got), want) {
		t.Fatalf("after close and expiry: %v of %d (%v), want %v of 4", refs(got), total, err, want)
	}
	if n := rdb.ZCard(ctx, prefix+"cbopen:{g}").Val(); n != 4 {
		t.Errorf("open set holds %d refs, want 4 (the expired one dropped)", n)
	}
	if got[0].Topic != "emergency" || got[0].Phone != phone(91) || !got[0].Created.Equal(at.Add(time.Minute)) {
		t.Errorf("first request %+v", got[0])
	}
}
