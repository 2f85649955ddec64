package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/channel/africastalking"
	"github.com/passerelle/passerelle/internal/channel/twilio"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// defaultSendTimeout bounds the sending of one reply through the outbox.
const defaultSendTimeout = 5 * time.Second

// smsRoutes mounts the SMS webhooks that are configured:
//   - Twilio (/sms/twilio, /sms/twilio/status) when TwilioAuthToken is set or
//     TwilioSkipSignature is true;
//   - Africa's Talking (/sms/africastalking, /sms/africastalking/status)
//     when ATSMSToken is set.
//
// Status routes need Statuses and Hasher as well.
func (s *Server) smsRoutes() {
	if s.cfg.SendTimeout <= 0 {
		s.cfg.SendTimeout = defaultSendTimeout
	}
	if s.cfg.Outbox == nil {
		s.cfg.Outbox, s.cfg.OutboxProvider = sender.NewLog(s.log), "log"
	}
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

// sendReply sends each message of a reply to a person through the outbox,
// within SendTimeout, and records each message sent. It stops at the first
// failure and reports whether that failure is worth a provider retry.
func (s *Server) sendReply(ctx context.Context, c *fiber.Ctx, to msg.Address, r msg.Reply) (retry bool) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	defer cancel()
	for _, text := range r.Messages {
		if text == "" {
			continue
		}
		out := msg.Outbound{ID: newMessageID(), To: to, Text: text}
		res, err := s.cfg.Outbox.Send(ctx, out)
		if err != nil {
			s.log.Error("reply not sent", "request_id", rid(c), "message_id", out.ID, "provider", s.cfg.OutboxProvider, "err", err)
			if sender.IsOptedOut(err) {
				_ = s.optOut(ctx, c, to, s.cfg.OutboxProvider) // logged there
			}
			return sender.IsRetryable(err)
		}
		if s.cfg.Statuses == nil {
			continue
		}
		if err := s.cfg.Statuses.RecordOutbound(ctx, outboundKey(s.cfg.OutboxProvider, out.ID, res.ProviderID),
			s.cfg.OutboxProvider, res.ProviderID, s.cfg.Now()); err != nil {
			s.log.Warn("reply sent but not recorded", "request_id", rid(c), "message_id", out.ID, "err", err)
		}
	}
	return false
}

// outboundKey is the id an outbound message is recorded under: ours, which
// Twilio's status callbacks echo (?mid=), or for Africa's Talking, whose
// reports carry only its own id, the provider's id.
func outboundKey(provider, id, providerID string) string {
	if provider == africastalking.Provider && providerID != "" {
		return providerID
	}
	return id
}

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

// newMessageID returns a random id for an outbound message.
func newMessageID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
