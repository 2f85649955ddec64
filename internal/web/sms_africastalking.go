package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel/africastalking"
)

// smsAfricasTalking answers Africa's Talking's incoming-message callback
// (behind queryToken(ATSMSToken)). Africa's Talking takes no inline reply: the reply's
// messages go out through the outbox before the callback is answered,
// within SendTimeout, so that a retryable send failure can answer 503 and
// let the provider post again; the retry is deduplicated on the message id
// by the conversation (same reply, no second change) and the reply sent
// again. The cost: a retry after a send that did succeed sends the reply
// twice. Otherwise it answers 200, also after a send that cannot succeed.
func (s *Server) smsAfricasTalking(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	in, err := africastalking.ParseSMS(c.Request().Body(), s.cfg.Now())
	if err != nil {
		return s.badRequest(c, err)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.HopTimeout)
	reply, err := s.cfg.Conversations.Handle(ctx, in)
	cancel()
	if err != nil {
		s.log.Error("hop failed", "request_id", rid(c), "channel", "sms", "provider", africastalking.Provider, "err", err)
	}
	if retry := s.sendReply(c.UserContext(), c, in.From, reply); retry {
		return c.Status(fiber.StatusServiceUnavailable).SendString("reply not sent, try again")
	}
	return c.SendString("ok")
}
