package main

import (
	"context"
	"fmt"
	"time"

	"github.com/passerelle/passerelle/internal/channel/africastalking"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/metrics"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/web"
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

// countingSend counts every SMS the chat service sends, and its result.
func countingSend(send chat.SendFunc, m *metrics.Metrics) chat.SendFunc {
	return func(ctx context.Context, o msg.Outbound) error {
		err := send(ctx, o)
		m.SMS(err)
		return err
	}
}

// countingStatuses counts the delivery reports the webhooks record.
type countingStatuses struct {
	web.Statuses
	m *metrics.Metrics
}

// RecordStatus records a report and counts it by state.
func (c countingStatuses) RecordStatus(ctx context.Context, st msg.Status) error {
	err := c.Statuses.RecordStatus(ctx, st)
	if err == nil {
		c.m.Delivery(st.State)
	}
	return err
}
