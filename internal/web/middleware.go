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

var (
	ridPrefix = func() string {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:])
	}()
	ridSeq atomic.Uint64
)

// requestID gives every request an id, in the X-Request-Id answer header and
// in every log line about it. Incoming ids are not trusted. The id is kept
// in the request's user context only (logctx), where rid reads it.
func (s *Server) requestID(c *fiber.Ctx) error {
	rid := newRequestID()
	c.Set("X-Request-Id", rid)
	c.SetUserContext(logctx.With(c.UserContext(), rid))
	return c.Next()
}

// newRequestID returns the next request id.
func newRequestID() string { return formatRequestID(ridSeq.Add(1)) }

// formatRequestID writes a request id: ridPrefix, '-', then seq in base 36,
// made in a stack buffer (one allocation, the string).
func formatRequestID(seq uint64) string {
	var b [len("01234567-") + 13]byte // 13 base-36 digits hold any uint64
	return string(strconv.AppendUint(append(append(b[:0], ridPrefix...), '-'), seq, 36))
}

// rid returns the id requestID gave the request.
func rid(c *fiber.Ctx) string {
	return logctx.RequestID(c.UserContext())
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
