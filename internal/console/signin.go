package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// signinData is the sign-in page.
type signinData struct {
	Token, Next, Name string
	Problem           string // a text key: the last attempt's outcome
}

// signinForm answers GET /signin: the form, with a fresh CSRF token in a
// cookie and in the form (double submit: there is no session yet).
func (c *Console) signinForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s, err := c.session(r); err == nil && s != nil {
		http.Redirect(w, r, c.path("/"), http.StatusSeeOther)
		return
	}
	tok := token()
	c.setCookie(w, preCookie, tok, 3600)
	c.render(w, r, nil, http.StatusOK, "signin", "signin.title", signinData{Token: tok, Next: c.safeNext(r.URL.Query().Get("next"))})
}

// signin answers POST /signin: a session for the right name and password;
// the form again after a failure. MaxFailures failures in a row lock the
// account for Lockout, each failure restarting that clock; a locked
// account's password is not even checked.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		c.errorPage(w, r, nil, http.StatusBadRequest, "error.form")
		return
	}
	pre, _ := r.Cookie(preCookie)
	if pre == nil || !sameToken(r.PostForm.Get("csrf"), pre.Value) {
		c.errorPage(w, r, nil, http.StatusForbidden, "error.csrf")
		return
	}
	name, pw, next := r.PostForm.Get("name"), r.PostForm.Get("password"), c.safeNext(r.PostForm.Get("next"))
	again := func(status int, problem string) {
		c.render(w, r, nil, status, "signin", "signin.title", signinData{Token: pre.Value, Next: next, Name: name, Problem: problem})
	}
	if !msg.StaffName.MatchString(name) {
		again(http.StatusUnauthorized, "signin.wrong")
		return
	}
	ctx := r.Context()
	ok, err := c.checkPassword(ctx, name, pw)
	switch {
	case errors.Is(err, errLocked):
		c.audit(ctx, name, "signin_refused_locked")
		again(http.StatusTooManyRequests, "signin.locked")
		return
	case err != nil:
		c.fail(w, r, nil, err)
		return
	case !ok:
		n, err := c.cfg.Staff.StaffFailure(ctx, name, c.cfg.Lockout)
		if err != nil {
			c.fail(w, r, nil, err)
			return
		}
		c.audit(ctx, name, "signin_failed", "failures", strconv.Itoa(n))
		if n >= c.cfg.MaxFailures {
			c.log.Warn("console account locked after failed sign-ins", "who", name, "failures", n)
			again(http.StatusTooManyRequests, "signin.locked")
			return
		}
		again(http.StatusUnauthorized, "signin.wrong")
		return
	}
	if err := c.cfg.Staff.ClearStaffFailures(ctx, name); err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if err := c.startSession(w, r, name); err != nil {
		c.fail(w, r, nil, err)
		return
	}
	c.setCookie(w, preCookie, "", -1)
	c.audit(ctx, name, "signin")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// errLocked: the account has failed too often to try again yet.
var errLocked = errors.New("account locked")

// checkPassword tells whether pw is name's password, errLocked when the
// account is locked, or the store's error. An unknown name costs the same
// hashing as a known one.
func (c *Console) checkPassword(ctx context.Context, name, pw string) (bool, error) {
	n, err := c.cfg.Staff.StaffFailures(ctx, name)
	if err != nil {
		return false, err
	}
	if n >= c.cfg.MaxFailures {
		return false, errLocked
	}
	a, err := c.cfg.Staff.StaffAccount(ctx, name)
	if errors.Is(err, msg.ErrNotFound) {
		_, _ = VerifyPassword(pw, dummyHash())
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ok, err := VerifyPassword(pw, a.Hash)
	if err != nil {
		c.log.Error("console account has a malformed password hash", "who", name)
		return false, nil
	}
	return ok, nil
}

// dummyHash is a hash that no password matches, checked for unknown names.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword(token(), DefaultArgon2)
	return h
})

// signout answers POST /signout: the session ends, here and in the store.
func (c *Console) signout(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := c.cfg.Staff.DeleteStaffSession(r.Context(), s.id); err != nil {
		return err
	}
	c.setCookie(w, sessionCookie, "", -1)
	c.audit(r.Context(), s.Name, "signout")
	http.Redirect(w, r, c.path("/signin"), http.StatusSeeOther)
	return nil
}

// audit records a staff action or read under who; a failure is logged
// (the data was already read or changed).
func (c *Console) audit(ctx context.Context, who, action string, kv ...string) {
	if c.cfg.Audit == nil {
		return
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	kv = append(kv, "via", "console")
	if err := c.cfg.Audit.AppendAudit(actx, who, c.cfg.Now(), action, kv...); err != nil {
		c.log.Error("audit entry not written", "action", action, "err", err)
	}
}
