package logctx

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

type otherKey struct{}

// TestRequestIDThroughContexts: the id is read as context.WithValue kept
// it: through contexts derived from the one With returns, the innermost
// With winning, other values and cancellation passing through.
func TestRequestIDThroughContexts(t *testing.T) {
	t.Parallel()
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "v"))
	ctx := With(parent, "rid-1")
	timed, stop := context.WithTimeout(ctx, time.Hour)
	defer stop()
	cases := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"none", context.Background(), ""},
		{"with", ctx, "rid-1"},
		{"derived", context.WithValue(timed, otherKey{}, "w"), "rid-1"},
		{"empty id", With(context.Background(), ""), ""},
		{"nested", With(ctx, "rid-2"), "rid-2"},
		{"without cancel", context.WithoutCancel(ctx), "rid-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RequestID(c.ctx); got != c.want {
				t.Fatalf("RequestID = %q, want %q", got, c.want)
			}
		})
	}
	if v := ctx.Value(otherKey{}); v != "v" {
		t.Fatalf("other value %v", v)
	}
	cancel()
	select {
	case <-timed.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the parent did not reach a context derived from With's")
	}
	if !errors.Is(timed.Err(), context.Canceled) || !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("errors %v, %v", timed.Err(), ctx.Err())
	}
}

// sink keeps With's context on the heap, as a request's is.
var sink context.Context

// TestWithAllocs: carrying an id costs one allocation (WithValue's
// context and the boxed id cost two), reading it none.
func TestWithAllocs(t *testing.T) {
	bg, id := context.Background(), strconv.Itoa(time.Now().Nanosecond()) // not a constant, which boxes for free
	if n := testing.AllocsPerRun(100, func() { sink = With(bg, id) }); n != 1 {
		t.Fatalf("With: %v allocations, want 1", n)
	}
	ctx := With(bg, "rid-1")
	if n := testing.AllocsPerRun(100, func() { _ = RequestID(ctx) }); n != 0 {
		t.Fatalf("RequestID: %v allocations, want 0", n)
	}
}
