package chat

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
)

// Store keeps conversations. A hop costs one Load and one Commit.
type Store interface {
	// Load returns the person's conversation and, when the hop named dedupe
	// was answered before, its cached reply. It returns an error only when
	// the store cannot answer.
	Load(ctx context.Context, p msg.PersonID, dedupe string) (msg.Conversation, error)
	// Commit applies a change all or nothing. It returns msg.ErrConflict when
	// the conversation's version is no longer c.Version, msg.ErrRefTaken when
	// the registration's reference code is in use, or the store's error.
	Commit(ctx context.Context, p msg.PersonID, c msg.Change) error
}
