package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/passerelle/passerelle/internal/msg"
)

// Accounts changes the console's accounts (redisstore.Store); nil turns
// the accounts page off (accounts then come only from `passerelle staff
// add`).
type Accounts interface {
	CreateStaff(ctx context.Context, a msg.StaffAccount) error
	DeleteStaff(ctx context.Context, name string) error
}

// accountsData is the accounts page.
type accountsData struct {
	Items   []accountRow
	Roles   []msg.Role
	Name    string
	Role    msg.Role
	Problem string // a text key: why the new account was refused
	CanEdit bool   // accounts can be added and deleted here
}

// accountRow is one account and whether it is locked now.
type accountRow struct {
	msg.StaffAccount
	Failures int
	Locked   bool
	Self     bool
}

// accounts answers GET /accounts: every account, its role and lock-out.
func (c *Console) accounts(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.showAccounts(w, r, s, http.StatusOK, accountsData{Role: msg.Viewer})
}

func (c *Console) showAccounts(w http.ResponseWriter, r *http.Request, s *session, status int, d accountsData) error {
	all, err := c.cfg.Staff.StaffAccounts(r.Context())
	if err != nil {
		return err
	}
	for _, a := range all {
		n, err := c.cfg.Staff.StaffFailures(r.Context(), a.Name)
		if err != nil {
			return err
		}
		d.Items = append(d.Items, accountRow{StaffAccount: a, Failures: n, Locked: n >= c.cfg.MaxFailures, Self: a.Name == s.Name})
	}
	d.Roles, d.CanEdit = msg.Roles, c.cfg.Accounts != nil
	c.render(w, r, s, status, "accounts", "nav.accounts", d)
	return nil
}

// createAccount answers POST /accounts (name, role, password, again).
func (c *Console) createAccount(w http.ResponseWriter, r *http.Request, s *session) error {
	f := r.PostForm
	d := accountsData{Name: f.Get("name"), Role: msg.Role(f.Get("role"))}
	pw := f.Get("password")
	switch {
	case !msg.StaffName.MatchString(d.Name) || !d.Role.Valid():
		d.Problem = "accounts.bad_name"
	case CheckPassword(pw) != nil:
		d.Problem = "accounts.short"
	case pw != f.Get("again"):
		d.Problem = "accounts.mismatch"
	}
	if d.Problem != "" {
		return c.showAccounts(w, r, s, http.StatusUnprocessableEntity, d)
	}
	hash, err := HashPassword(pw, c.cfg.Argon2)
	if err != nil {
		return err
	}
	err = c.cfg.Accounts.CreateStaff(r.Context(), msg.StaffAccount{Name: d.Name, Role: d.Role, Hash: hash, Created: c.cfg.Now()})
	if errors.Is(err, msg.ErrStaffExists) {
		d.Problem = "accounts.taken"
		return c.showAccounts(w, r, s, http.StatusConflict, d)
	}
	if err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "staff_add", "name", d.Name, "role", string(d.Role))
	http.Redirect(w, r, c.path("/accounts?done=account_added"), http.StatusSeeOther)
	return nil
}

// deleteAccount answers POST /accounts/{name}/delete; one's own account
// cannot be deleted (the last administrator would lock everyone out).
func (c *Console) deleteAccount(w http.ResponseWriter, r *http.Request, s *session) error {
	name := r.PathValue("name")
	if name == s.Name {
		c.errorPage(w, r, s, http.StatusConflict, "accounts.self")
		return nil
	}
	err := c.cfg.Accounts.DeleteStaff(r.Context(), name)
	if errors.Is(err, msg.ErrNotFound) {
		c.errorPage(w, r, s, http.StatusNotFound, "error.notfound")
		return nil
	}
	if err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "staff_delete", "name", name)
	http.Redirect(w, r, c.path("/accounts?done=account_deleted"), http.StatusSeeOther)
	return nil
}

// unlockAccount answers POST /accounts/{name}/unlock: its failed sign-ins
// are forgotten.
func (c *Console) unlockAccount(w http.ResponseWriter, r *http.Request, s *session) error {
	name := r.PathValue("name")
	n, err := c.cfg.Staff.StaffFailures(r.Context(), name)
	if err != nil {
		return err
	}
	if err := c.cfg.Staff.ClearStaffFailures(r.Context(), name); err != nil {
		return err
	}
	c.audit(r.Context(), s.Name, "staff_unlock", "name", name, "failures", strconv.Itoa(n))
	http.Redirect(w, r, c.path("/accounts?done=account_unlocked"), http.StatusSeeOther)
	return nil
}
