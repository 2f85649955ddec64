package chat

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
)

// Store keeps conversations. A hop costs one Load and one Commit.
type Store interface {
	// Load returns the person's conversation, with their quota counters,
	// and, when the hop named dedupe was answered before, its cached reply.
	// It returns an error only when the store cannot answer.
	Load(ctx context.Context, p msg.PersonID, dedupe string) (msg.Conversation, error)
	// Commit applies a change and its effects all or nothing. It returns
	// msg.ErrConflict when the conversation's version is no longer
	// c.Version, msg.ErrRefTaken when a reference code is in use, or the
	// store's error.
	Commit(ctx context.Context, p msg.PersonID, c msg.Change) error
	// Enqueue queues messages in the outbox outside a hop (a flood notice).
	Enqueue(ctx context.Context, m ...msg.Outbound) error
}

// People reads what is kept about people beyond their conversation.
type People interface {
	// RegistrationOf returns the person's registration or msg.ErrNotFound.
	RegistrationOf(ctx context.Context, p msg.PersonID) (msg.Registration, error)
}

// Limiter limits the messages one person may send.
type Limiter interface {
	// Allow counts one message; when it is not allowed, notice tells whether
	// to send the one notice of the period.
	Allow(ctx context.Context, p msg.PersonID) (allowed, notice bool, err error)
}

// Observer is told what the service does, for metrics.
type Observer interface {
	// Hop: a hop was answered on a channel at a node ("flow:node").
	Hop(ch msg.Channel, node string)
	// Action: a flow action was carried out, or a message refused
	// ("flood_refused").
	Action(name string)
	// Failed: a hop was answered with an apology because the store failed.
	Failed()
}
