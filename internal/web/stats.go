package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// Stats gives staff the counts kept as things happen (redisstore.Store).
type Stats interface {
	Stats(ctx context.Context) (msg.Stats, error)
}

// stats answers GET /admin/stats: registrations by answer and by day, the
// funnel of each flow (conversations that reached each node, sessions that
// stopped there unfinished), SMS by route and outcome. Counts only: no
// personal data.
func (s *Server) stats(c *fiber.Ctx) error {
	st, err := s.cfg.Stats.Stats(c.UserContext())
	if err != nil {
		s.log.Error("reading stats failed", "request_id", rid(c), "err", err)
		return jsonError(c, fiber.StatusServiceUnavailable, "store unavailable")
	}
	return c.JSON(st)
}
