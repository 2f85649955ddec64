// Package sender is what every SMS sender shares: one small interface,
// implemented by each provider's package (internal/provider/…), and a Log
// sender for when none is configured. Every provider failure is an *Error that tells
// whether the send may be retried and whether the person opted out or the
// number is invalid, so callers decide from that alone.
package sender

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
)

// Sender sends one outbound SMS.
type Sender interface {
	// Send sends m.Text to m.To. On failure the error wraps an *Error
	// (see IsRetryable, IsOptedOut, IsInvalidNumber).
	Send(ctx context.Context, m msg.Outbound) (Result, error)
}

// Result is what a provider answers to an accepted message.
type Result struct {
	// ProviderID is the provider's id of the message (Twilio SID, Africa's
	// Talking messageId), the key of its delivery reports.
	ProviderID string
}

// Func adapts an ordinary function to the Sender interface.
type Func func(ctx context.Context, m msg.Outbound) (Result, error)

// Send calls f(ctx, m).
func (f Func) Send(ctx context.Context, m msg.Outbound) (Result, error) {
	return f(ctx, m)
}

var _ Sender = Func(nil)
