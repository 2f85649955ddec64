package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/channel/africastalking"
)

// ussdAfricasTalking answers Africa's Talking's USSD callback with
// "CON …"/"END …" as text/plain. A malformed request gets a 4xx with a
// short reason; a store failure still gets 200 with an apology (END), so the
// person's phone shows something.
func (s *Server) ussdAfricasTalking(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	in, err := africastalking.ParseUSSD(c.Body(), s.cfg.Now())
	if err != nil {
		return s.badRequest(c, err)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.HopTimeout)
	defer cancel()
	reply, err := s.cfg.Conversations.Handle(ctx, in)
	if err != nil {
		s.log.Error("hop failed", "request_id", rid(c), "channel", "ussd", "err", err)
	}
	return c.SendString(africastalking.FormatUSSD(reply))
}

// badRequest answers an adapter's refusal with its status and reason.
func (s *Server) badRequest(c *fiber.Ctx, err error) error {
	status, reason := fiber.StatusBadRequest, "bad request"
	if e, ok := channel.AsError(err); ok {
		status, reason = e.Status, e.Reason
	}
	s.log.Info("request refused", "request_id", rid(c), "status", status, "reason", reason)
	return c.Status(status).SendString(reason)
}
