package redisstore_test

import (
	"context"
	"testing"
	"time"
)

func TestFlood(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := mustStore(t)
	f := s.NewFlood(3, time.Minute)
	p := person(60)
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), p) })
	want := []struct{ allowed, notice bool }{{true, false}, {true, false}, {true, false}, {false, true}, {false, false}, {false, false}}
	for i, w := range want {
		a, n, err := f.Allow(ctx, p)
		if err != nil || a != w.allowed || n != w.notice {
			t.Fatalf("message %d: allowed %v notice %v err %v; want %+v", i, a, n, err, w)
		}
	}
	// Another person is not slowed by the first.
	if a, _, _ := f.Allow(ctx, person(61)); !a {
		t.Fatal("another person refused")
	}
	t.Cleanup(func() { _ = s.DeletePerson(context.Background(), person(61)) })
	// Erasure removes the counters.
	if err := s.DeletePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if a, _, _ := f.Allow(ctx, p); !a {
		t.Fatal("counter kept through erasure")
	}
}
