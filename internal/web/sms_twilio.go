package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel/twilio"
)

// smsTwilio answers Twilio's inbound messaging webhook with TwiML: the
// reply's messages, inline. A missing or wrong signature gets 403 before
// anything else is read; a malformed request 400 with a short reason; a
// store failure still gets the apology.
func (s *Server) smsTwilio(v *twilio.Verifier) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		form, err := s.twilioForm(c, v)
		if err != nil {
			return s.badRequest(c, err)
		}
		in, err := twilio.ParseSMS(form, s.cfg.Now())
		if err != nil {
			return s.badRequest(c, err)
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.HopTimeout)
		defer cancel()
		reply, err := s.cfg.Conversations.Handle(ctx, in)
		if err != nil {
			s.log.Error("hop failed", "request_id", rid(c), "channel", "sms", "provider", twilio.Provider, "err", err)
		}
		c.Set(fiber.HeaderContentType, twilio.ContentType)
		return c.SendString(twilio.FormatTwiML(reply))
	}
}
