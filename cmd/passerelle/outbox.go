package main

import (
	"context"
	"fmt"
	"time"

	"github.com/passerelle/passerelle/internal/channel/africastalking"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// outboundRecorder notes messages handed to a provider (redisstore.Store).
type outboundRecorder interface {
	RecordOutbound(ctx context.Context, id, provider, providerID string, at time.Time) error
}

// recordingSend adapts the outbox to the chat service: it sends, then notes
// the message so that delivery reports can be matched. Africa's Talking's
// reports carry only its own id, so its messages are noted under that id.
func recordingSend(out sender.Sender, provider string, rec outboundRecorder) chat.SendFunc {
	return func(ctx context.Context, m msg.Outbound) error {
		res, err := out.Send(ctx, m)
		if err != nil {
			return fmt.Errorf("error sending message %s: %w", m.ID, err)
		}
		key := m.ID
		if provider == africastalking.Provider && res.ProviderID != "" {
			key = res.ProviderID
		}
		if err := rec.RecordOutbound(ctx, key, provider, res.ProviderID, time.Now()); err != nil {
			return fmt.Errorf("error recording message %s: %w", m.ID, err)
		}
		return nil
	}
}
