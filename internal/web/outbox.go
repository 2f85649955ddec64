package web

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// Outbox is the staff's view of the outbox (redisstore.Store).
type Outbox interface {
	// OutboxStats tells where each lane stands, with up to deadLimit dead
	// letters.
	OutboxStats(ctx context.Context, now time.Time, deadLimit int) (outbox.Stats, error)
	// OutboxRetryDead puts up to limit dead letters back in their lane.
	OutboxRetryDead(ctx context.Context, limit int) (int, error)
}

// laneView is one lane in the answer of GET /admin/outbox.
type laneView struct {
	outbox.LaneStats
	// OldestSeconds is the age of the oldest message not yet acknowledged.
	OldestSeconds float64 `json:"oldest_seconds"`
}

// outboxView is the answer of GET /admin/outbox.
type outboxView struct {
	Lanes map[msg.Lane]laneView `json:"lanes"`
	// Dead lists the newest dead letters with their last error (never a
	// number or a text).
	Dead []outbox.DeadLetter `json:"dead_letters"`
}

// outboxStats answers GET /admin/outbox?dead=N (dead letters listed,
// default 50, at most 500).
func (s *Server) outboxStats(c *fiber.Ctx) error {
	n, err := intQuery(c, "dead", 50, 0, 500)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	st, err := s.cfg.Outbox.OutboxStats(c.UserContext(), s.cfg.Now(), n)
	if err != nil {
		s.log.Error("reading outbox stats failed", "request_id", rid(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "store unavailable"})
	}
	v := outboxView{Lanes: map[msg.Lane]laneView{}, Dead: st.Dead}
	for l, ls := range st.Lanes {
		v.Lanes[l] = laneView{LaneStats: ls, OldestSeconds: ls.OldestAge.Seconds()}
	}
	if v.Dead == nil {
		v.Dead = []outbox.DeadLetter{}
	}
	return c.JSON(v)
}

// retryDead answers POST /admin/outbox/dead/retry?limit=N (default 1000, at
// most 100000): dead letters go back to their lane, oldest first.
func (s *Server) retryDead(c *fiber.Ctx) error {
	n, err := intQuery(c, "limit", 1000, 1, 100000)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	done, err := s.cfg.Outbox.OutboxRetryDead(c.UserContext(), n)
	if err != nil {
		s.log.Error("retrying dead letters failed", "request_id", rid(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "store unavailable"})
	}
	s.log.Info("dead letters re-queued by staff", "request_id", rid(c), "count", done)
	s.audit(c, "retry_dead_letters", "count", strconv.Itoa(done))
	return c.JSON(fiber.Map{"requeued": done})
}
