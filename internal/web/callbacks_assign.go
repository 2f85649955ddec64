package web

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/passerelle/passerelle/internal/msg"
)

// CallbackDesk assigns call-back requests to staff and closes them with a
// note (redisstore.Store). The admin routes use it when Config.Callbacks
// implements it.
type CallbackDesk interface {
	// AssignCallback gives a request to a staff member ("" takes it back);
	// msg.ErrNotFound (wrapped) for an unknown ref.
	AssignCallback(ctx context.Context, ref, assignee string) error
	// CloseCallbackNote marks a request done with a note; msg.ErrNotFound
	// (wrapped) for an unknown ref.
	CloseCallbackNote(ctx context.Context, ref, note string, at time.Time) error
}

// MaxCallbackNote is the longest note staff may leave on a call-back
// request, in characters.
const MaxCallbackNote = 1000

// callbackDeskRoutes mounts POST /admin/callbacks/:ref/assign and
// /admin/callbacks/:ref/note when the store can do them.
func (s *Server) callbackDeskRoutes(admin fiber.Router) {
	if d, ok := s.cfg.Callbacks.(CallbackDesk); ok {
		admin.Post("/callbacks/:ref/assign", func(c *fiber.Ctx) error { return s.assignCallback(c, d) })
		admin.Post("/callbacks/:ref/note", func(c *fiber.Ctx) error { return s.noteCallback(c, d) })
	}
}

// assignCallback answers POST /admin/callbacks/:ref/assign {"staff": NAME}
// ("" takes it back).
func (s *Server) assignCallback(c *fiber.Ctx, d CallbackDesk) error {
	var req struct {
		Staff string `json:"staff"`
	}
	// The console's rule for a staff member's name; "" takes it back.
	if err := json.Unmarshal(c.Body(), &req); err != nil || (req.Staff != "" && !msg.StaffName.MatchString(req.Staff)) {
		return jsonError(c, fiber.StatusBadRequest, "want {\"staff\": NAME} (1 to 32 letters, digits or ._-; \"\" to take it back)")
	}
	ref := strings.ToUpper(strings.Clone(c.Params("ref")))
	if err := d.AssignCallback(c.UserContext(), ref, req.Staff); err != nil {
		return s.callbackError(c, "assigning call-back failed", err)
	}
	s.audit(c, "assign_callback", "ref", ref, "assignee", req.Staff)
	return c.JSON(fiber.Map{"ref": ref, "assignee": req.Staff})
}

// noteCallback answers POST /admin/callbacks/:ref/note {"note": TEXT}: the
// request is marked done with the note.
func (s *Server) noteCallback(c *fiber.Ctx, d CallbackDesk) error {
	var req struct {
		Note string `json:"note"`
	}
	if err := json.Unmarshal(c.Body(), &req); err != nil || utf8.RuneCountInString(req.Note) > MaxCallbackNote {
		return jsonError(c, fiber.StatusBadRequest, "want {\"note\": TEXT} of at most 1000 characters")
	}
	ref := strings.ToUpper(strings.Clone(c.Params("ref")))
	if err := d.CloseCallbackNote(c.UserContext(), ref, req.Note, s.cfg.Now()); err != nil {
		return s.callbackError(c, "closing call-back failed", err)
	}
	s.audit(c, "close_callback", "ref", ref, "note", "yes")
	return c.JSON(fiber.Map{"ref": ref, "done": true})
}

// callbackError answers 404 for msg.ErrNotFound and 503 otherwise.
func (s *Server) callbackError(c *fiber.Ctx, what string, err error) error {
	return s.failed(c, "no such call-back request", what, err)
}
