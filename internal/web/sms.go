package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/channel/twilio"
	"github.com/passerelle/passerelle/internal/msg"
)

// smsRoutes mounts the SMS webhooks that are configured:
//   - Twilio (/sms/twilio, /sms/twilio/status) when TwilioAuthToken is set or
//     TwilioSkipSignature is true;
//   - Africa's Talking (/sms/africastalking, /sms/africastalking/status)
//     when ATSMSToken is set.
//
// Status routes need Statuses and Hasher as well.
func (s *Server) smsRoutes() {
	statuses := s.cfg.Statuses != nil && s.cfg.Hasher != nil
	if s.cfg.TwilioAuthToken != "" || s.cfg.TwilioSkipSignature {
		var v *twilio.Verifier
		if !s.cfg.TwilioSkipSignature {
			var err error
			if v, err = twilio.NewVerifier(s.cfg.TwilioAuthToken, s.cfg.PublicURL); err != nil {
				// Every request is refused (403) until the configuration is fixed.
				s.log.Error("twilio webhooks refuse every request", "err", err)
			}
		}
		s.app.Post("/sms/twilio", s.smsTwilio(v))
		if statuses {
			s.app.Post("/sms/twilio/status", s.smsTwilioStatus(v))
		}
	}
	if s.cfg.ATSMSToken != "" {
		atToken := s.queryToken(s.cfg.ATSMSToken)
		s.app.Post("/sms/africastalking", atToken, s.smsAfricasTalking)
		if statuses {
			s.app.Post("/sms/africastalking/status", atToken, s.smsAfricasTalkingStatus)
		}
	}
}

// queryToken returns a handler that lets through requests whose "token"
// query parameter is token (compared in constant time, over SHA-256 digests
// so that the length leaks nothing either) and answers 403 "bad token" to
// the others, before anything is read or stored. token must not be empty.
func (s *Server) queryToken(token string) fiber.Handler {
	want := sha256.Sum256([]byte(token))
	return func(c *fiber.Ctx) error {
		got := sha256.Sum256([]byte(c.Query("token")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return s.badRequest(c, errBadToken)
		}
		return c.Next()
	}
}

// twilioForm decodes a Twilio webhook's form and checks its signature
// against the public URL and the request's path and raw query, over every
// form parameter. It refuses with a *channel.Error: 403 for a missing or
// wrong signature (also when the body cannot be decoded, and so cannot be
// checked), 400 for a malformed body when checking is off.
func (s *Server) twilioForm(c *fiber.Ctx, v *twilio.Verifier) (url.Values, error) {
	form, err := twilio.ParseForm(c.Request().Body()) // copies out of fasthttp's buffer
	if !s.cfg.TwilioSkipSignature {
		path := string(c.Request().URI().PathOriginal())
		query := string(c.Request().URI().QueryString())
		if err != nil || v == nil || !v.Verify(path, query, form, c.Get(twilio.SignatureHeader)) {
			return nil, errBadSignature
		}
	}
	return form, err
}

// Refusals of requests that fail authentication.
var (
	errBadSignature = &channel.Error{Status: fiber.StatusForbidden, Reason: "bad signature"}
	errBadToken     = &channel.Error{Status: fiber.StatusForbidden, Reason: "bad token"}
)

// optOut marks a person as refusing our messages, as a provider told. It
// logs and returns the store's error.
func (s *Server) optOut(ctx context.Context, c *fiber.Ctx, to msg.Address, provider string) error {
	if s.cfg.Statuses == nil || s.cfg.Hasher == nil {
		return nil
	}
	p := s.cfg.Hasher.Person(to)
	if err := s.cfg.Statuses.SetOptOut(ctx, p, true); err != nil {
		s.log.Error("opt-out not recorded", "request_id", rid(c), "person", string(p), "err", err)
		return err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "person opted out by provider",
		slog.String("request_id", rid(c)), slog.String("person", string(p)), slog.String("provider", provider))
	return nil
}
