package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers 200 while the process runs.
func (s *Server) healthz(c *fiber.Ctx) error { return c.SendString("ok") }

// readyz answers 200 when the store answers a ping within a second, 503 otherwise.
func (s *Server) readyz(c *fiber.Ctx) error {
	if s.cfg.Store == nil {
		return c.SendString("ok")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.log.Warn("store not ready", "request_id", rid(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("store unavailable")
	}
	return c.SendString("ok")
}
