package chat

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
)

// Store keeps conversations. A hop costs one LoadHop and one Commit.
type Store interface {
	// LoadHop returns the person's conversation, with their quota
	// counters, and, when the hop named q.Dedupe was answered before, its
	// cached reply. With q.Flood it checks the message against the
	// person's flood limit, unless the cached reply answers it; a refused
	// message gives only the verdict (Conversation.Flood), an allowed one
	// the mark (Conversation.FloodMark) that its Change carries, so that
	// the message counts when its hop commits. It returns an error only
	// when the store cannot answer.
	LoadHop(ctx context.Context, p msg.PersonID, q msg.HopLoad) (msg.Conversation, error)
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
