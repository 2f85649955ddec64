package web

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
)

// Campaigns keeps outreach campaigns (redisstore.Store).
type Campaigns interface {
	CreateCampaign(ctx context.Context, c broadcast.Campaign, who string) error
	Campaign(ctx context.Context, id string) (broadcast.Campaign, error)
	Campaigns(ctx context.Context) ([]broadcast.Campaign, error)
	SetCampaignState(ctx context.Context, id string, from []broadcast.State, to broadcast.State, who string, at time.Time) error
	AudienceCounter
	CampaignReplies(ctx context.Context, id string) ([]msg.CampaignAnswers, error)
}

// CampaignConfig is what campaigns are checked and priced against.
type CampaignConfig struct {
	Limits   broadcast.Limits
	Price    float64
	Currency string
	// Shape is the GSM-7 shaping applied to what is sent (nil: none).
	Shape func(string) string
}

// AudienceCounter counts a campaign's audience by language
// (redisstore.Store).
type AudienceCounter interface {
	CountAudience(ctx context.Context, a broadcast.Audience, n int) (map[string]int, error)
}

// Preview prices camp as it stands: the audience by language counted now
// (none while no audience is chosen), each text as sent (shaped when the
// gateway shapes), its characters, encoding and segments, totals and cost,
// and the same shaped to GSM-7. The admin API and the console both show it.
func (cc CampaignConfig) Preview(ctx context.Context, counter AudienceCounter, camp broadcast.Campaign) (broadcast.Preview, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	aud := map[string]int{}
	if camp.Audience.Registered || camp.Audience.Subscribers {
		var err error
		if aud, err = counter.CountAudience(ctx, camp.Audience, 1000); err != nil {
			return broadcast.Preview{}, err
		}
	}
	texts := camp.Texts
	if cc.Shape != nil {
		texts = make(map[string]string, len(camp.Texts))
		for l, t := range camp.Texts {
			texts[l] = cc.Shape(t)
		}
	}
	return broadcast.Compute(texts, camp.Fallback, aud, cc.Price, cc.Currency), nil
}

// campaignRoutes mounts the campaign API under the admin group.
func (s *Server) campaignRoutes(admin fiber.Router) {
	admin.Post("/campaigns", s.createCampaign)
	admin.Get("/campaigns", s.listCampaigns)
	admin.Get("/campaigns/:id", s.getCampaign)
	admin.Get("/campaigns/:id/preview", s.previewCampaign)
	admin.Get("/campaigns/:id/replies", s.campaignReplies)
	admin.Post("/campaigns/:id/:action", s.actOnCampaign)
}

// campaignRequest is the body of POST /admin/campaigns: what staff choose.
type campaignRequest struct {
	Name          string               `json:"name"`
	Texts         map[string]string    `json:"texts"`
	Fallback      string               `json:"fallback"`
	Audience      broadcast.Audience   `json:"audience"`
	StartAt       string               `json:"start_at"`
	Rate          float64              `json:"rate"`
	Reply         *broadcast.ReplyFlow `json:"reply"`
	ResendUnknown bool                 `json:"resend_unknown"`
}

// createCampaign answers POST /admin/campaigns: a draft, 201 with its
// status, or 400 with what is wrong (a text over the segment limit, a rate
// over the route's ceiling, …).
func (s *Server) createCampaign(c *fiber.Ctx) error {
	var req campaignRequest
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return jsonError(c, fiber.StatusBadRequest, "malformed campaign: "+err.Error())
	}
	now := s.cfg.Now().UTC()
	camp := broadcast.Campaign{
		ID: broadcast.NewID(), Name: req.Name, Texts: req.Texts, Fallback: req.Fallback, Audience: req.Audience,
		Rate: req.Rate, Reply: req.Reply, ResendUnknown: req.ResendUnknown, State: broadcast.Draft, Created: now, Updated: now,
	}
	if req.StartAt != "" {
		t, err := time.Parse(time.RFC3339, req.StartAt)
		if err != nil {
			return jsonError(c, fiber.StatusBadRequest, "start_at: want an RFC 3339 time such as 2026-12-01T09:00:00+01:00")
		}
		camp.StartAt = t.UTC()
	}
	if err := camp.Validate(s.cfg.Campaign.Limits); err != nil {
		return jsonError(c, fiber.StatusBadRequest, err.Error())
	}
	if err := s.cfg.Campaigns.CreateCampaign(c.UserContext(), camp, staff(c)); err != nil {
		return s.storeError(c, "creating campaign failed", err)
	}
	s.log.Info("campaign created", "request_id", rid(c), "campaign", camp.ID)
	return c.Status(fiber.StatusCreated).JSON(camp)
}

// listCampaigns answers GET /admin/campaigns, newest first.
func (s *Server) listCampaigns(c *fiber.Ctx) error {
	cs, err := s.cfg.Campaigns.Campaigns(c.UserContext())
	if err != nil {
		return s.storeError(c, "listing campaigns failed", err)
	}
	if cs == nil {
		cs = []broadcast.Campaign{}
	}
	return c.JSON(fiber.Map{"items": cs})
}

// getCampaign answers GET /admin/campaigns/:id with its state and counts.
func (s *Server) getCampaign(c *fiber.Ctx) error {
	camp, err := s.cfg.Campaigns.Campaign(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return s.storeError(c, "reading campaign failed", err)
	}
	return c.JSON(camp)
}

// previewCampaign answers GET /admin/campaigns/:id/preview: the audience
// by language, counted now; each text as sent (shaped when the gateway
// shapes), its characters, encoding and segments; totals and cost; and the
// same for the GSM-7-shaped texts.
func (s *Server) previewCampaign(c *fiber.Ctx) error {
	camp, err := s.cfg.Campaigns.Campaign(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return s.storeError(c, "reading campaign failed", err)
	}
	p, err := s.cfg.Campaign.Preview(c.UserContext(), s.cfg.Campaigns, camp)
	if err != nil {
		return s.storeError(c, "counting the audience failed", err)
	}
	return c.JSON(p)
}

// campaignReplies answers GET /admin/campaigns/:id/replies: the answers
// people gave in the campaign's reply flow (personal data).
func (s *Server) campaignReplies(c *fiber.Ctx) error {
	rs, err := s.cfg.Campaigns.CampaignReplies(c.UserContext(), strings.Clone(c.Params("id")))
	if err != nil {
		return s.storeError(c, "reading campaign replies failed", err)
	}
	s.audit(c, "read_campaign_replies", "campaign", strings.Clone(c.Params("id")))
	if rs == nil {
		rs = []msg.CampaignAnswers{}
	}
	return c.JSON(fiber.Map{"items": rs})
}

// actOnCampaign answers POST /admin/campaigns/:id/{start,pause,resume,cancel}:
// 200 with the campaign, 404, or 409 when its state does not allow it.
func (s *Server) actOnCampaign(c *fiber.Ctx) error {
	id, action := strings.Clone(c.Params("id")), broadcast.Action(c.Params("action"))
	switch action {
	case broadcast.Start, broadcast.Pause, broadcast.Resume, broadcast.Cancel:
	default:
		return jsonError(c, fiber.StatusNotFound, "want start, pause, resume or cancel")
	}
	ctx := c.UserContext()
	camp, err := s.cfg.Campaigns.Campaign(ctx, id)
	if err != nil {
		return s.storeError(c, "reading campaign failed", err)
	}
	now := s.cfg.Now()
	to, err := broadcast.Next(camp.State, action, camp.StartAt, now)
	if err != nil {
		return jsonError(c, fiber.StatusConflict, err.Error())
	}
	if err := s.cfg.Campaigns.SetCampaignState(ctx, id, []broadcast.State{camp.State}, to, staff(c), now); err != nil {
		if errors.Is(err, broadcast.ErrStateRace) {
			return jsonError(c, fiber.StatusConflict, "the campaign changed meanwhile; read it again")
		}
		return s.storeError(c, "changing campaign failed", err)
	}
	s.log.Info("campaign "+string(action), "request_id", rid(c), "campaign", id, "state", string(to))
	camp, err = s.cfg.Campaigns.Campaign(ctx, id)
	if err != nil {
		return s.storeError(c, "reading campaign failed", err)
	}
	return c.JSON(camp)
}

// storeError answers 404 for msg.ErrNotFound and 503 otherwise.
func (s *Server) storeError(c *fiber.Ctx, what string, err error) error {
	return s.failed(c, "no such campaign", what, err)
}

// failed answers a store error: 404 with notFound for msg.ErrNotFound, else
// 503 (the cause logged as what).
func (s *Server) failed(c *fiber.Ctx, notFound, what string, err error) error {
	if errors.Is(err, msg.ErrNotFound) {
		return jsonError(c, fiber.StatusNotFound, notFound)
	}
	s.log.Error(what, "request_id", rid(c), "err", err)
	return jsonError(c, fiber.StatusServiceUnavailable, "store unavailable")
}

func jsonError(c *fiber.Ctx, status int, reason string) error {
	return c.Status(status).JSON(fiber.Map{"error": reason})
}
