package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// Cookies of the console, all HttpOnly, SameSite=Strict, Secure unless
// Config.InsecureCookies, on the console's path.
const (
	sessionCookie = "psl_session" // the session's token
	preCookie     = "psl_pre"     // the sign-in form's CSRF token (double submit)
	langCookie    = "psl_lang"    // the language chosen
)

// session is a signed-in staff member, as a request sees them.
type session struct {
	id   string // digest of the cookie's token: the store's key
	Name string
	Role msg.Role
	CSRF string
}

// token returns 32 random bytes, URL-safe.
func token() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionID is the store's name of a session token: its SHA-256, so that
// reading Redis gives no cookie to replay.
func sessionID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// setCookie sets one of the console's cookies; maxAge < 0 deletes it.
func (c *Console) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: c.cfg.Base + "/", MaxAge: maxAge,
		HttpOnly: true, Secure: !c.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode})
}

// session returns the request's session, nil when it has none (no cookie,
// unknown, expired, or its account is gone), or the store's error.
func (c *Console) session(r *http.Request) (*session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	id := sessionID(ck.Value)
	ss, err := c.cfg.Staff.StaffSession(r.Context(), id, c.cfg.Now())
	if errors.Is(err, msg.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The role is read at every request: a changed account takes effect at once.
	a, err := c.cfg.Staff.StaffAccount(r.Context(), ss.Name)
	if errors.Is(err, msg.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &session{id: id, Name: a.Name, Role: a.Role, CSRF: ss.CSRF}, nil
}

// startSession stores a new session for name and sets its cookie.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request, name string) error {
	tok := token()
	ss := msg.StaffSession{Name: name, CSRF: token(), Expires: c.cfg.Now().Add(c.cfg.SessionTTL)}
	if err := c.cfg.Staff.CreateStaffSession(r.Context(), sessionID(tok), ss); err != nil {
		return err
	}
	c.setCookie(w, sessionCookie, tok, int(c.cfg.SessionTTL/time.Second))
	return nil
}

// sameToken compares two CSRF tokens in constant time; empty never matches.
func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
