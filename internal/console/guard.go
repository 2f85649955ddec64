package console

import (
	"net/http"
	"net/url"
	"strings"
)

// pageFunc handles a request of a signed-in staff member; an error is the
// store's and answers 503.
type pageFunc func(w http.ResponseWriter, r *http.Request, s *session) error

// maxForm bounds a form's body.
const maxForm = 64 << 10

// guard lets through staff whose role has p: a request without a session
// goes to the sign-in page (GET) or gets 401 (other methods); a role
// without p gets 403; a POST must carry the session's CSRF token (403
// otherwise, before anything is read or changed).
func (c *Console) guard(p perm, h pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		s, err := c.session(r)
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, c.path("/signin")+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.errorPage(w, r, nil, http.StatusUnauthorized, "error.signin")
			return
		}
		if !allows(s.Role, p) {
			c.errorPage(w, r, s, http.StatusForbidden, "error.forbidden")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				c.errorPage(w, r, s, http.StatusBadRequest, "error.form")
				return
			}
			if !sameToken(r.PostForm.Get("csrf"), s.CSRF) {
				c.log.Warn("console form refused: bad CSRF token", "route", r.URL.Path, "who", s.Name)
				c.errorPage(w, r, s, http.StatusForbidden, "error.csrf")
				return
			}
		}
		if err := h(w, r, s); err != nil {
			c.fail(w, r, s, err)
		}
	}
}

// fail logs a store error and answers 503.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	c.log.Error("console page failed", "route", r.URL.Path, "err", err)
	c.errorPage(w, r, s, http.StatusServiceUnavailable, "error.store")
}

// safeNext returns next when it is a path of the console (no other site,
// no scheme), else the overview.
func (c *Console) safeNext(next string) string {
	if strings.HasPrefix(next, c.cfg.Base+"/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return c.path("/")
}
