package redisstore_test

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/msg"
)

// TestHopAllocations bounds what a hop's load and commit allocate on the
// common path (a person with a conversation, no effects), go-redis's own
// work included: each command is built in one allocation with its
// arguments (loadOp, hopArgs), not boxed argument by argument. A
// regression shows here before it shows in the gateway's CPU.
func TestHopAllocations(t *testing.T) {
	if splitCommit() {
		t.Skip("the Cluster's commit is another path")
	}
	ctx := context.Background()
	s, _, _ := mustStore(t)
	p := person(7301)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	state := []byte("a conversation state of a realistic length, with answers and history")
	if err := s.Commit(ctx, p, msg.Change{State: state, Lang: msg.French}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		max  float64
		run  func() error
	}{
		{"load", 20, func() error {
			_, err := s.LoadHop(ctx, p, msg.HopLoad{})
			return err
		}},
		{"load and commit", 32, func() error {
			c, err := s.LoadHop(ctx, p, msg.HopLoad{})
			if err != nil {
				return err
			}
			return s.Commit(ctx, p, msg.Change{Version: c.Version, State: state})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			got := testing.AllocsPerRun(200, func() {
				if e := tc.run(); e != nil {
					err = e
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %.1f allocations", tc.name, got)
			if got > tc.max {
				t.Fatalf("%s: %.1f allocations, want at most %.0f", tc.name, got, tc.max)
			}
		})
	}
}
