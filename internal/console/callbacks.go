package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/web"
)

// callbacksPageSize is how many call-back requests a page lists.
const callbacksPageSize = 25

// callbacksData is the call-backs page.
type callbacksData struct {
	All        bool
	Items      []callbackRow
	Total      int
	Staff      []string // who a request can be assigned to
	Desk       bool     // assigning and notes are on
	Prev, Next string
}

// callbackRow is one request and whether it is urgent.
type callbackRow struct {
	msg.Callback
	Urgent bool
}

// callbacks answers GET /callbacks?all=1&offset=: the open requests, urgent
// ones first (or every request), an audited read.
func (c *Console) callbacks(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	all := q.Get("all") == "1"
	off, _ := strconv.Atoi(q.Get("offset"))
	off = max(0, min(off, 1<<30))
	items, total, err := c.cfg.Callbacks.Callbacks(r.Context(), all, off, callbacksPageSize)
	if err != nil {
		return err
	}
	status := "open"
	if all {
		status = "all"
	}
	c.audit(r.Context(), s.Name, "read_callbacks", "filter", "status="+status+"&offset="+strconv.Itoa(off)+"&limit="+strconv.Itoa(callbacksPageSize))
	d := callbacksData{All: all, Total: total, Desk: c.cfg.Desk != nil}
	for _, it := range items {
		d.Items = append(d.Items, callbackRow{Callback: it, Urgent: c.cfg.Callbacks.CallbackPriority(it)})
	}
	if d.Desk {
		accts, err := c.cfg.Staff.StaffAccounts(r.Context())
		if err != nil {
			return err
		}
		for _, a := range accts {
			if allows(a.Role, permPeople) {
				d.Staff = append(d.Staff, a.Name)
			}
		}
	}
	page := func(o int) string {
		p := c.path("/callbacks") + "?offset=" + strconv.Itoa(o)
		if all {
			p += "&all=1"
		}
		return p
	}
	if off > 0 {
		d.Prev = page(max(0, off-callbacksPageSize))
	}
	if off+len(items) < total {
		d.Next = page(off + callbacksPageSize)
	}
	c.render(w, r, s, http.StatusOK, "callbacks", "nav.callbacks", d)
	return nil
}

// assignCallback answers POST /callbacks/{ref}/assign (staff=NAME; empty
// takes the request back).
func (c *Console) assignCallback(w http.ResponseWriter, r *http.Request, s *session) error {
	ref := strings.ToUpper(r.PathValue("ref"))
	who := r.PostForm.Get("staff")
	if who != "" && !msg.StaffName.MatchString(who) {
		c.errorPage(w, r, s, http.StatusBadRequest, "error.form")
		return nil
	}
	err := c.cfg.Desk.AssignCallback(r.Context(), ref, who)
	if done, err := c.callbackDone(w, r, s, err); done || err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "assign_callback", "ref", ref, "assignee", who)
	http.Redirect(w, r, c.path("/callbacks?done=assigned"), http.StatusSeeOther)
	return nil
}

// closeCallback answers POST /callbacks/{ref}/done (note=TEXT, optional).
func (c *Console) closeCallback(w http.ResponseWriter, r *http.Request, s *session) error {
	ref := strings.ToUpper(r.PathValue("ref"))
	note := strings.TrimSpace(r.PostForm.Get("note"))
	if utf8.RuneCountInString(note) > web.MaxCallbackNote {
		c.errorPage(w, r, s, http.StatusBadRequest, "error.note")
		return nil
	}
	var err error
	if c.cfg.Desk != nil {
		err = c.cfg.Desk.CloseCallbackNote(r.Context(), ref, note, c.cfg.Now())
	} else {
		err = c.cfg.Callbacks.CloseCallback(r.Context(), ref, c.cfg.Now())
	}
	if done, err := c.callbackDone(w, r, s, err); done || err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "close_callback", "ref", ref, "note", strconv.FormatBool(note != ""))
	http.Redirect(w, r, c.path("/callbacks?done=closed"), http.StatusSeeOther)
	return nil
}

// callbackDone answers 404 for an unknown request (done), passes the
// store's other errors on, and does nothing for nil.
func (c *Console) callbackDone(w http.ResponseWriter, r *http.Request, s *session, err error) (bool, error) {
	if errors.Is(err, msg.ErrNotFound) {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return true, nil
	}
	return false, err
}
