package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// registrationsPage is the JSON answer of GET /admin/registrations.
type registrationsPage struct {
	Total  int                `json:"total"`
	Offset int                `json:"offset"`
	Limit  int                `json:"limit"`
	Items  []msg.Registration `json:"items"`
}

// listRegistrations answers GET /admin/registrations?region=&situation=&lang=&sector=&offset=&limit=.
func (s *Server) listRegistrations(c *fiber.Ctx) error {
	f := msg.Filter{
		Region:    c.Query("region"),
		Situation: c.Query("situation"),
		Sector:    c.Query("sector"),
		Lang:      msg.Lang(c.Query("lang")),
	}
	var err error
	if f.Offset, err = intQuery(c, "offset", 0, 0, 1<<30); err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	if f.Limit, err = intQuery(c, "limit", 50, 1, 500); err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	items, total, err := s.cfg.Registry.Registrations(c.UserContext(), f)
	if err != nil {
		s.log.Error("listing registrations failed", "request_id", rid(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "store unavailable"})
	}
	s.audit(c, "read_registrations", "filter", f.AuditText())
	if items == nil {
		items = []msg.Registration{}
	}
	return c.JSON(registrationsPage{Total: total, Offset: f.Offset, Limit: f.Limit, Items: items})
}

// getRegistration answers GET /admin/registrations/:ref.
func (s *Server) getRegistration(c *fiber.Ctx) error {
	ref := strings.ToUpper(strings.Clone(c.Params("ref")))
	r, err := s.cfg.Registry.Registration(c.UserContext(), ref)
	switch {
	case errors.Is(err, msg.ErrNotFound):
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "no such registration"})
	case err != nil:
		s.log.Error("reading registration failed", "request_id", rid(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "store unavailable"})
	}
	s.audit(c, "read_registration", "ref", ref)
	return c.JSON(r)
}

func intQuery(c *fiber.Ctx, key string, def, min, max int) (int, error) {
	v := c.Query(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, errors.New(key + ": want a number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max))
	}
	return n, nil
}
