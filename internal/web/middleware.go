package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/logctx"
)

const ridKey = "rid"

var (
	ridPrefix = func() string {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}()
	ridSeq atomic.Uint64
)

// requestID gives every request an id, in the X-Request-Id answer header and
// in every log line about it. Incoming ids are not trusted.
func (s *Server) requestID(c *fiber.Ctx) error {
	rid := ridPrefix + "-" + strconv.FormatUint(ridSeq.Add(1), 36)
	c.Locals(ridKey, rid)
	c.Set("X-Request-Id", rid)
	c.SetUserContext(logctx.With(c.UserContext(), rid))
	return c.Next()
}

func rid(c *fiber.Ctx) string {
	v, _ := c.Locals(ridKey).(string)
	return v
}

// recover turns a panic into a 500 and a log line.
func (s *Server) recover(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", "request_id", rid(c), "route", c.Route().Path, "panic", fmt.Sprint(r))
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

// accessLog logs one line per request: route, status and duration only —
// never the body, the query or anything that could carry a phone number.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
		} else {
			status = fiber.StatusInternalServerError
		}
	}
	if s.cfg.Observe != nil {
		s.cfg.Observe(c.Route().Path, status, time.Since(start))
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	ctx := c.UserContext()
	if !s.log.Enabled(ctx, level) {
		return err
	}
	// The request id comes from the context (logctx).
	s.log.LogAttrs(ctx, level, "request",
		slog.String("method", c.Method()),
		slog.String("route", c.Route().Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)))
	return err
}

// errorHandler answers errors no handler answered: short plain text, the
// status of a *fiber.Error (413 for an oversized body), else 500.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code = fe.Code
	}
	if code >= 500 {
		s.log.Error("request failed", "request_id", rid(c), "err", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(code).SendString(statusText(code))
}

func statusText(code int) string {
	switch code {
	case fiber.StatusRequestEntityTooLarge:
		return "request too large"
	case fiber.StatusNotFound:
		return "not found"
	case fiber.StatusMethodNotAllowed:
		return "method not allowed"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	}
	if code < 500 {
		return "bad request"
	}
	return "internal error"
}
