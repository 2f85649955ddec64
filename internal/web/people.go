package web

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// People erases people for staff (redisstore.Store).
type People interface {
	// ErasePerson erases everything stored about p but their opt-out, in
	// one step, with an audit entry naming who.
	ErasePerson(ctx context.Context, p msg.PersonID, who string, at time.Time) (msg.Erased, error)
}

// erasePerson answers DELETE /admin/people/{phone} (E.164, the '+' written
// as is or as %2B): it erases the person in one step and says what was
// erased. The access log shows only the route, never the number.
func (s *Server) erasePerson(c *fiber.Ctx) error {
	raw, err := url.PathUnescape(c.Params("phone"))
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "malformed phone number"})
	}
	raw = strings.TrimSpace(raw)
	if raw != "" && raw[0] != '+' {
		raw = "+" + raw // a '+' may be lost to URL handling
	}
	a, err := msg.ParseAddress(raw)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "want an E.164 phone number (+2376…)"})
	}
	p := s.cfg.Hasher.Person(a)
	e, err := s.cfg.People.ErasePerson(c.UserContext(), p, staff(c), s.cfg.Now())
	if err != nil {
		s.log.Error("staff erasure failed", "request_id", rid(c), "person", string(p), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "store unavailable; nothing was erased"})
	}
	s.log.Info("person erased by staff", "request_id", rid(c), "person", string(p), "who", staff(c))
	return c.JSON(fiber.Map{"erased": !e.Nothing(), "what": e})
}
