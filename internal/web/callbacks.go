package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passerelle/passerelle/internal/msg"
)

// Callbacks is the staff's access to call-back requests
// (redisstore.Store): the open ones come urgent ones first.
type Callbacks interface {
	Callbacks(ctx context.Context, all bool, offset, limit int) ([]msg.Callback, int, error)
	CloseCallback(ctx context.Context, ref string, at time.Time) error
	// CallbackPriority tells whether a request is urgent (the emergency
	// page's).
	CallbackPriority(c msg.Callback) bool
}

// callbacksPage is the JSON answer of GET /admin/callbacks.
type callbacksPage struct {
	Total  int            `json:"total"`
	Offset int            `json:"offset"`
	Limit  int            `json:"limit"`
	Items  []callbackItem `json:"items"`
}

// callbackItem is a request as staff see it: priority tells an urgent one.
type callbackItem struct {
	msg.Callback
	Priority bool `json:"priority"`
}

// listCallbacks answers GET /admin/callbacks?status=open|all&offset=&limit=:
// the open requests urgent ones first (as the store lists them), each with
// "priority".
func (s *Server) listCallbacks(c *fiber.Ctx) error {
	status := c.Query("status", "open")
	if status != "open" && status != "all" {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "status: want open or all"})
	}
	offset, err := intQuery(c, "offset", 0, 0, 1<<30)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	limit, err := intQuery(c, "limit", 50, 1, 500)
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	items, total, err := s.cfg.Callbacks.Callbacks(c.UserContext(), status == "all", offset, limit)
	if err != nil {
		s.log.Error("listing call-backs failed", "request_id", rid(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "store unavailable"})
	}
	s.audit(c, "read_callbacks", "filter", "status="+status+"&offset="+strconv.Itoa(offset)+"&limit="+strconv.Itoa(limit))
	page := make([]callbackItem, len(items))
	for i, it := range items {
		page[i] = callbackItem{Callback: it, Priority: s.cfg.Callbacks.CallbackPriority(it)}
	}
	return c.JSON(callbacksPage{Total: total, Offset: offset, Limit: limit, Items: page})
}

// closeCallback answers POST /admin/callbacks/:ref/done.
func (s *Server) closeCallback(c *fiber.Ctx) error {
	ref := strings.ToUpper(strings.Clone(c.Params("ref")))
	if err := s.cfg.Callbacks.CloseCallback(c.UserContext(), ref, s.cfg.Now()); err != nil {
		return s.callbackError(c, "closing call-back failed", err)
	}
	s.audit(c, "close_callback", "ref", ref)
	return c.JSON(fiber.Map{"ref": ref, "done": true})
}
