package sender

import (
	"context"
	"errors"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// ForOutbox adapts a Sender to the outbox workers: each send returns the
// provider's id of the message.
func ForOutbox(s Sender) outbox.Sender {
	return outbox.SenderFunc(func(ctx context.Context, m msg.Outbound) (string, error) {
		res, err := s.Send(ctx, m)
		return res.ProviderID, err
	})
}

// Classify tells the outbox what a send error means, from the *Error it
// wraps. An error that is no *Error (a bug, a panic turned error) is taken
// as retryable: the message is tried again and, past the attempts, lands
// in the dead letters where staff see it.
func Classify(err error) outbox.Failure {
	var e *Error
	if !errors.As(err, &e) {
		return outbox.Failure{Retryable: true}
	}
	return outbox.Failure{Retryable: e.Retryable, RetryAfter: e.RetryAfter, OptedOut: e.OptedOut, InvalidNumber: e.InvalidNumber}
}
