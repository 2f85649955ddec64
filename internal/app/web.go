package app

import (
	"context"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/metrics"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/web"
)

// Web returns the HTTP side: the configured providers' webhooks, health,
// metrics and the staff's admin API, on the application's service and
// store.
func (a *App) Web() *web.Server {
	cfg := a.Config
	if cfg.AdminToken == "" && len(cfg.StaffTokens) == 0 {
		a.Log.Warn("no PASSERELLE_ADMIN_TOKEN nor PASSERELLE_STAFF_TOKENS: the admin routes are off")
	}
	return web.New(web.Config{
		Conversations: a.Service, Registry: a.Store, Callbacks: a.Store, Store: a.Store, Log: a.Log,
		AdminToken: cfg.AdminToken, StaffTokens: cfg.StaffTokens, Audit: a.Store, Stats: a.Store,
		Routes: cfg.Providers.Routes(), Outbox: a.Store, People: a.Store,
		Statuses: countingStatuses{a.Store, a.Metrics}, Hasher: a.Hasher, Now: a.now,
		Campaigns: a.Store, Campaign: a.CampaignConfig(),
		Metrics: a.Metrics.Handler(), Observe: a.Metrics.Request, Console: a.Console,
		Inbound: func(in msg.Inbound) { a.Metrics.Inbound(in.Channel, cfg.Operators.Of(in.From)) },
	})
}

// CampaignConfig is what campaigns are checked and priced against, by the
// admin API and the staff console alike: the segment limit, the route's
// ceiling, the flow entries a reply may enter, the price and the shaping.
func (a *App) CampaignConfig() web.CampaignConfig {
	cfg, engine := a.Config, a.Content.Engine
	return web.CampaignConfig{
		Limits: broadcast.Limits{MaxSegments: cfg.MaxSegments, MaxRate: cfg.RouteRate(cfg.Providers.SMS),
			Flows: func(flow, node string) bool { return engine.IsEntry(flow + ":" + node) }},
		Price: cfg.PricePerSegment, Currency: cfg.Currency, Shape: cfg.SMSShaping.Apply,
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
