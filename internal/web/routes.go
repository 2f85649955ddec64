package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/channel"
	"github.com/passerelle/passerelle/internal/deadline"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
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

// providerRoutes mounts the providers' webhooks. Delivery-report routes
// need Statuses and Hasher; without them they are left off.
func (s *Server) providerRoutes() {
	statuses := s.cfg.Statuses != nil && s.cfg.Hasher != nil
	for _, r := range s.cfg.Routes {
		if r.Delivery != nil && !statuses {
			continue
		}
		h := s.webhook(r)
		for _, m := range r.Methods {
			s.app.Add(m, r.Path, h)
		}
	}
}

// webhook returns the handler of one provider route: authenticate, decode,
// then run the hop or record the report, and answer in the provider's form.
func (s *Server) webhook(r provider.Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// No provider compresses its webhooks: a compressed body is refused
		// before anything is read, so that it is never inflated (fasthttp
		// would inflate it past the body limit).
		if ce := c.Get(fiber.HeaderContentEncoding); ce != "" && !strings.EqualFold(ce, "identity") {
			return s.refuse(c, r, errCompressed)
		}
		req := request(c, r.Headers, r.Path, s.cfg.Now())
		if r.Auth != nil {
			if err := r.Auth(req); err != nil {
				return s.refuse(c, r, err)
			}
		}
		if r.Delivery != nil {
			return s.delivery(c, r, req)
		}
		return s.conversation(c, r, req)
	}
}

// request copies what a provider route may read out of fasthttp's buffers:
// method, path, query, body and the headers it asked for. A standard
// method, and a path equal to route (the path the route was mounted on,
// most webhooks' whole path), are not copied: the request gets the same
// string as a constant.
func request(c *fiber.Ctx, headers []string, route string, now time.Time) provider.Request {
	uri := c.Request().URI()
	raw := string(uri.QueryString())
	q, _ := url.ParseQuery(raw) // a malformed pair is dropped; the route decides
	var h http.Header
	if len(headers) > 0 {
		h = make(http.Header, len(headers))
		for _, k := range headers {
			if v := c.Get(k); v != "" {
				h.Set(k, strings.Clone(v))
			}
		}
	}
	path := route
	if p := uri.PathOriginal(); string(p) != route {
		path = string(p)
	}
	return provider.Request{
		Method: method(c.Method()), Path: path, RawQuery: raw, Query: q,
		Header: h, Body: bytes.Clone(c.Request().Body()), Now: now,
	}
}

// method returns m, which aliases fasthttp's buffer, as a string of its
// own: a constant for the standard methods, else a copy.
func method(m string) string {
	for _, std := range stdMethods {
		if m == std {
			return std
		}
	}
	return strings.Clone(m)
}

// stdMethods are the methods method gives as constants.
var stdMethods = [...]string{fiber.MethodPost, fiber.MethodGet, fiber.MethodHead, fiber.MethodPut,
	fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions}

// errCompressed refuses a compressed webhook body.
var errCompressed = &channel.Error{Status: fiber.StatusUnsupportedMediaType, Reason: "compressed body not accepted"}

// conversation runs one inbound message or USSD hop through the
// conversation service and answers as the route writes it.
func (s *Server) conversation(c *fiber.Ctx, r provider.Route, req provider.Request) error {
	in, err := r.Conversation.Parse(req)
	if err != nil {
		// direct is declared here only: errors.As takes its address,
		// which puts it on the heap.
		var direct *provider.Direct
		if errors.As(err, &direct) {
			return s.write(c, direct.Response)
		}
		return s.refuse(c, r, err)
	}
	if s.cfg.Inbound != nil {
		s.cfg.Inbound(in)
	}
	// A hop's deadline: deadline.New costs less than context.WithTimeout
	// (one allocation, no timer of its own).
	ctx := deadline.New(c.UserContext(), s.cfg.HopTimeout)
	reply, err := s.cfg.Conversations.Handle(ctx, in)
	ctx.Stop()
	if err != nil {
		s.log.Error("hop failed", "request_id", rid(c), "channel", string(in.Channel), "provider", in.Provider, "err", err)
	}
	return s.write(c, r.Conversation.Answer(in, reply, err))
}

// delivery records a delivery report and, when the provider says the
// recipient blocks us, their opt-out.
func (s *Server) delivery(c *fiber.Ctx, r provider.Route, req provider.Request) error {
	rep, err := r.Delivery.Parse(req)
	if err != nil {
		return s.refuse(c, r, err)
	}
	ctx := deadline.New(c.UserContext(), s.cfg.HopTimeout)
	defer ctx.Stop()
	err = s.recordReport(ctx, c, rep)
	if r.Delivery.Answer != nil {
		return s.write(c, r.Delivery.Answer(err))
	}
	if err != nil {
		return fiber.ErrInternalServerError
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// recordReport stores a delivery report and the opt-out it may carry.
func (s *Server) recordReport(ctx context.Context, c *fiber.Ctx, rep provider.Report) error {
	st := rep.Status
	if err := s.cfg.Statuses.RecordStatus(ctx, st); err != nil {
		s.log.Error("delivery report not recorded", "request_id", rid(c), "message_id", st.ID, "err", err)
		return err
	}
	if !rep.OptedOut {
		return nil
	}
	if rep.To == "" {
		s.log.Warn("opt-out report without a usable number", "request_id", rid(c), "message_id", st.ID, "code", st.Code)
		return nil
	}
	p := s.cfg.Hasher.Person(rep.To)
	if err := s.cfg.Statuses.SetOptOut(ctx, p, true); err != nil {
		s.log.Error("opt-out not recorded", "request_id", rid(c), "person", string(p), "err", err)
		return err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "person opted out by provider",
		slog.String("request_id", rid(c)), slog.String("person", string(p)), slog.String("provider", st.Provider))
	return nil
}

// refuse answers a route's refusal (a *channel.Error; anything else is a
// 400) in the route's error form.
func (s *Server) refuse(c *fiber.Ctx, r provider.Route, err error) error {
	status, reason := fiber.StatusBadRequest, "bad request"
	if e, ok := channel.AsError(err); ok {
		status, reason = e.Status, e.Reason
	}
	s.log.Info("request refused", "request_id", rid(c), "status", status, "reason", reason)
	if r.Refuse != nil {
		res := r.Refuse(status, reason)
		if res.Status == 0 {
			res.Status = status
		}
		return s.write(c, res)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(status).SendString(reason)
}

// write sends a provider Response (status 0 is 200; no content type is
// plain text).
func (s *Server) write(c *fiber.Ctx, res provider.Response) error {
	ct := res.ContentType
	if ct == "" {
		ct = fiber.MIMETextPlainCharsetUTF8
	}
	c.Set(fiber.HeaderContentType, ct)
	if res.Status != 0 {
		c.Status(res.Status)
	}
	if res.Status == fiber.StatusNoContent {
		return nil
	}
	return c.SendString(res.Body)
}
