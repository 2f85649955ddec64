package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel/africastalking"
)

// smsAfricasTalking answers Africa's Talking's incoming-message callback
// (behind queryToken(ATSMSToken)). Africa's Talking takes no inline reply:
// the hop's commit queues the reply in the outbox, and the callback is
// answered 200 only once that commit is stored. When the store fails
// nothing is stored and it answers 503, so that Africa's Talking posts
// again; a retry of a message already stored is answered from the dedupe
// cache and queues nothing twice.
func (s *Server) smsAfricasTalking(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	in, err := africastalking.ParseSMS(c.Request().Body(), s.cfg.Now())
	if err != nil {
		return s.badRequest(c, err)
	}
	in.ReplyOutOfBand = true
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.HopTimeout)
	_, err = s.cfg.Conversations.Handle(ctx, in)
	cancel()
	if err != nil {
		s.log.Error("hop failed", "request_id", rid(c), "channel", "sms", "provider", africastalking.Provider, "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("not stored, try again")
	}
	return c.SendString("ok")
}
