package web

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel/africastalking"
	"github.com/passerelle/passerelle/internal/channel/twilio"
	"github.com/passerelle/passerelle/internal/msg"
)

// Statuses keeps outbound messages, their delivery reports and opt-outs
// (redisstore.Store).
type Statuses interface {
	// RecordStatus stores a delivery report under st.ID.
	RecordStatus(ctx context.Context, st msg.Status) error
	// SetOptOut records that a person refuses campaign messages (out) or
	// accepts them again.
	SetOptOut(ctx context.Context, p msg.PersonID, out bool) error
}

// smsTwilioStatus records Twilio's delivery status callbacks, signed like
// the inbound webhook. Our message id is the "mid" query parameter the
// Twilio sender adds to the callback URL. Error 21610 (the person replied
// STOP) marks the recipient opted out. It answers 204, 403 for a bad
// signature (nothing recorded), 400 for a malformed report and 500 when the
// store fails (Twilio may post again).
func (s *Server) smsTwilioStatus(v *twilio.Verifier) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		form, err := s.twilioForm(c, v)
		if err != nil {
			return s.badRequest(c, err)
		}
		r, err := twilio.ParseStatus(form, strings.Clone(c.Query("mid")), s.cfg.Now())
		if err != nil {
			return s.badRequest(c, err)
		}
		return s.recordReport(c, r.Status, r.To, r.OptedOut)
	}
}

// smsAfricasTalkingStatus records Africa's Talking's delivery reports
// (behind queryToken(ATSMSToken)). They carry only AT's message id, which
// the outbox recorded beside ours when it sent the message.
// UserInBlacklist and DoNotDisturbRejection mark the recipient opted out.
// Answers as smsTwilioStatus.
func (s *Server) smsAfricasTalkingStatus(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	r, err := africastalking.ParseSMSStatus(c.Request().Body(), s.cfg.Now())
	if err != nil {
		return s.badRequest(c, err)
	}
	return s.recordReport(c, r.Status, r.To, r.OptedOut)
}

// recordReport stores a delivery report and, when the provider says the
// recipient blocks us, their opt-out.
func (s *Server) recordReport(c *fiber.Ctx, st msg.Status, to msg.Address, optedOut bool) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.HopTimeout)
	defer cancel()
	if err := s.cfg.Statuses.RecordStatus(ctx, st); err != nil {
		s.log.Error("delivery report not recorded", "request_id", rid(c), "message_id", st.ID, "err", err)
		return fiber.ErrInternalServerError
	}
	if optedOut {
		if to == "" {
			s.log.Warn("opt-out report without a usable number", "request_id", rid(c), "message_id", st.ID, "code", st.Code)
		} else if err := s.optOut(ctx, c, to, st.Provider); err != nil {
			return fiber.ErrInternalServerError
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}
