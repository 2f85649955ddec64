package providertest

import (
	"context"
	"sync/atomic"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/web"
)

// Flaky is a conversation service whose store can be made to fail: while
// Down, a hop runs with its context cancelled, so every Redis call fails
// and nothing is committed. Put it in place of web.Config.Conversations.
type Flaky struct {
	Next web.Conversations
	Down atomic.Bool
}

// Handle hands in to Next, with a cancelled context while Down.
func (f *Flaky) Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	if f.Down.Load() {
		c, cancel := context.WithCancel(ctx)
		cancel()
		ctx = c
	}
	return f.Next.Handle(ctx, in)
}
