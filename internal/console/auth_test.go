package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/msg"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := console.HashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := console.HashPassword("correct horse battery", cheap)
	if h == h2 || !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hashes %q %q: want argon2id, salted", h, h2)
	}
	tests := []struct {
		name, pw, hash string
		ok, err        bool
	}{
		{"right", "correct horse battery", h, true, false},
		{"wrong", "correct horse batterz", h, false, false},
		{"empty", "", h, false, false},
		{"not argon2id", "x", "$2a$10$abcdefghijklmnopqrstuv", false, true},
		{"memory too high", "x", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA", false, true},
		{"truncated", "x", "$argon2id$v=19$m=64,t=1", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := console.VerifyPassword(tt.pw, tt.hash)
			if ok != tt.ok || (err != nil) != tt.err {
				t.Fatalf("got %v, %v; want %v, error %v", ok, err, tt.ok, tt.err)
			}
		})
	}
	if console.CheckPassword("short") == nil || console.CheckPassword(strings.Repeat("a", 300)) == nil || console.CheckPassword("twelve chars") != nil {
		t.Fatal("CheckPassword: want at least 12 characters and at most 256 bytes")
	}
}

// TestRoles: each role opens its pages and is refused the others (403),
// and is refused the actions of another role even with its own valid
// CSRF token; without a session, a page leads to the sign-in.
func TestRoles(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.register(t, 3)
	pages := []string{"/", "/flows", "/flows/simulator", "/registrations", "/registrations/R00001", "/registrations.csv", "/callbacks",
		"/campaigns", "/campaigns/new", "/audit", "/accounts"}
	allowed := map[string][]string{
		"vic":    {"/", "/flows", "/flows/simulator"},
		"carine": {"/", "/flows", "/flows/simulator", "/registrations", "/registrations/R00001", "/registrations.csv", "/callbacks"},
		"marc":   {"/", "/flows", "/flows/simulator", "/campaigns", "/campaigns/new"},
		"amina":  pages,
	}
	pw := map[string]string{"vic": viewerPW, "carine": casePW, "marc": managerPW, "amina": adminPW}
	for name, ok := range allowed {
		t.Run(name, func(t *testing.T) {
			c := r.client(t)
			tok := c.mustSignin(t, name, pw[name])
			for _, p := range pages {
				want := http.StatusForbidden
				for _, o := range ok {
					if o == p {
						want = http.StatusOK
					}
				}
				if got := c.get(t, p); got.Status != want {
					t.Errorf("GET %s: %d, want %d", p, got.Status, want)
				}
			}
			// Actions of other roles, with a valid token.
			actions := []struct {
				path string
				form url.Values
				need []string
			}{
				{"/campaigns/new", url.Values{"do": {"create"}, "name": {"x"}, "text_fr": {"Bonjour"}, "fallback": {"fr"}, "registered": {"1"}}, []string{"marc", "amina"}},
				{"/registrations/R00001/erase", url.Values{"confirm": {"WRONG"}}, []string{"carine", "amina"}},
			}
			for _, a := range actions {
				a.form.Set("csrf", tok)
				got := c.post(t, a.path, a.form).Status
				mayDo := false
				for _, n := range a.need {
					mayDo = mayDo || n == name
				}
				if !mayDo && got != http.StatusForbidden || mayDo && got == http.StatusForbidden {
					t.Errorf("POST %s as %s: %d", a.path, name, got)
				}
			}
		})
	}
	anon := r.client(t)
	if p := anon.get(t, "/registrations"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/console/signin?next=") {
		t.Fatalf("anonymous GET: %d %q", p.Status, p.Location)
	}
	if p := anon.post(t, "/campaigns/new", url.Values{"csrf": {"x"}}); p.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous POST: %d", p.Status)
	}
	camps, _ := r.Store.Campaigns(context.Background())
	if len(camps) != 2 {
		t.Fatalf("%d campaigns created, want 2 (marc's and amina's)", len(camps))
	}
}

// TestCSRF: a form without the session's token, with a wrong one or with
// another session's is refused before anything changes; so is a sign-in
// without its double-submit token.
func TestCSRF(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	ctx := context.Background()
	if err := r.Store.SaveCallback(ctx, msg.Callback{Ref: "CB1", Person: r.Hasher.Person("+237670000001"), Phone: "+237670000001", Lang: msg.French, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	c, other := r.client(t), r.client(t)
	c.mustSignin(t, "carine", casePW)
	otherTok := other.mustSignin(t, "amina", adminPW)
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"note": {"x"}}},
		{"wrong token", url.Values{"note": {"x"}, "csrf": {"not-the-token"}}},
		{"another session's token", url.Values{"note": {"x"}, "csrf": {otherTok}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if p := c.post(t, "/callbacks/CB1/done", tt.form); p.Status != http.StatusForbidden {
				t.Fatalf("%d, want 403", p.Status)
			}
		})
	}
	if _, n, _ := r.Store.Callbacks(ctx, false, 0, 10); n != 1 {
		t.Fatalf("the call-back was closed without a token")
	}
	tok := csrf(t, c.get(t, "/callbacks"))
	if p := c.post(t, "/callbacks/CB1/done", url.Values{"csrf": {tok}, "note": {"called"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("with the token: %d", p.Status)
	}
	fresh := r.client(t)
	fresh.get(t, "/signin")
	if p := fresh.post(t, "/signin", url.Values{"name": {"amina"}, "password": {adminPW}}); p.Status != http.StatusForbidden {
		t.Fatalf("sign-in without its token: %d", p.Status)
	}
}

// TestLockout: MaxFailures wrong passwords lock the account; then even the
// right password is refused, while other accounts sign in; every failure
// is in the audit stream.
func TestLockout(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil) // MaxFailures 3
	c := r.client(t)
	for i, want := range []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusTooManyRequests} {
		if p := c.signin(t, "carine", "wrong-password-000"); p.Status != want {
			t.Fatalf("failure %d: %d, want %d", i+1, p.Status, want)
		}
	}
	p := c.signin(t, "carine", casePW)
	if p.Status != http.StatusTooManyRequests || !strings.Contains(p.Body, "bloqué") {
		t.Fatalf("right password while locked: %d", p.Status)
	}
	r.client(t).mustSignin(t, "amina", adminPW)
	// An unknown name fails like a wrong password, and is counted too.
	if p := c.signin(t, "nobody", "whatever-password"); p.Status != http.StatusUnauthorized {
		t.Fatalf("unknown name: %d", p.Status)
	}
	es, _ := r.Store.AuditEntries(context.Background(), "", 50)
	var got []string
	for _, e := range es {
		if e.Fields["who"] == "carine" {
			got = append(got, e.Fields["action"])
		}
	}
	if strings.Join(got, ",") != "signin_refused_locked,signin_failed,signin_failed,signin_failed" {
		t.Fatalf("carine's audit entries %v", got)
	}
	if err := r.Store.ClearStaffFailures(context.Background(), "carine"); err != nil {
		t.Fatal(err)
	}
	r.client(t).mustSignin(t, "carine", casePW) // the lock-out over
}

// TestSessionEnds: a session ends at its expiry, and at sign-out, after
// which its cookie opens nothing.
func TestSessionEnds(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *console.Config) { c.SessionTTL = time.Hour })
	c := r.client(t)
	c.mustSignin(t, "vic", viewerPW)
	if p := c.get(t, "/"); p.Status != http.StatusOK {
		t.Fatalf("signed in: %d", p.Status)
	}
	r.Clock.Advance(time.Hour)
	if p := c.get(t, "/"); p.Status != http.StatusSeeOther {
		t.Fatalf("after the expiry: %d", p.Status)
	}

	c = r.client(t)
	tok := c.mustSignin(t, "vic", viewerPW)
	u, _ := url.Parse(r.URL + "/console/")
	stolen := c.http.Jar.Cookies(u)
	if p := c.post(t, "/signout", url.Values{"csrf": {tok}}); p.Status != http.StatusSeeOther || p.Location != "/console/signin" {
		t.Fatalf("sign-out: %d %q", p.Status, p.Location)
	}
	replay := r.client(t)
	replay.http.Jar.SetCookies(u, stolen)
	if p := replay.get(t, "/"); p.Status != http.StatusSeeOther {
		t.Fatalf("the cookie of a signed-out session: %d", p.Status)
	}
}

// TestCookies: by default every cookie is Secure, HttpOnly and
// SameSite=Strict, on the console's path only.
func TestCookies(t *testing.T) {
	t.Parallel()
	r := newRig(t, func(c *console.Config) { c.InsecureCookies = false })
	form, err := http.Get(r.URL + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	form.Body.Close()
	var pre *http.Cookie
	for _, ck := range form.Cookies() {
		pre = ck
	}
	if pre == nil {
		t.Fatal("no cookie on the sign-in form")
	}
	body := url.Values{"csrf": {pre.Value}, "name": {"vic"}, "password": {viewerPW}}
	req, _ := http.NewRequest(http.MethodPost, r.URL+"/console/signin", strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(pre)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := append(form.Cookies(), resp.Cookies()...)
	names := map[string]bool{}
	for _, ck := range cookies {
		names[ck.Name] = true
		if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console/" {
			t.Errorf("cookie %s: secure %v, httponly %v, samesite %v, path %q", ck.Name, ck.Secure, ck.HttpOnly, ck.SameSite, ck.Path)
		}
	}
	if resp.StatusCode != http.StatusSeeOther || !names["psl_session"] {
		t.Fatalf("sign-in: %d, cookies %v", resp.StatusCode, names)
	}
}
