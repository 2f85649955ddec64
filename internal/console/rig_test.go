package console_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/chat"
	"github.com/passerelle/passerelle/internal/console"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sim"
	"github.com/passerelle/passerelle/internal/testutil/apptest"
	"github.com/passerelle/passerelle/internal/web"
)

// cheap is a password hash cost for tests only: the hashing is the same,
// its memory and time the least.
var cheap = console.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// Passwords of the test accounts.
const (
	adminPW   = "admin-password-123"
	casePW    = "case-password-1234"
	managerPW = "manager-password-1"
	viewerPW  = "viewer-password-12"
)

// rig is the whole gateway's HTTP side on the real Redis under the test's
// prefix, the console mounted under /console, served on a loopback port;
// the simulator plays on a store of its own (another prefix), as serve's
// plays on an embedded one.
type rig struct {
	*apptest.App
	URL   string // http://127.0.0.1:PORT
	Clock *sim.Clock
	sim   *apptest.App
}

// simulator is the console's simulator over a test app of its own.
type simulator struct{ *apptest.App }

func (s simulator) Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error) {
	return s.Service.Handle(ctx, in)
}

func (s simulator) SetLang(ctx context.Context, a msg.Address, l msg.Lang) error {
	return s.Store.Commit(ctx, s.Hasher.Person(a), msg.Change{Lang: l})
}

// newRig serves the console with four accounts (amina admin, carine
// caseworker, marc manager, vic viewer); configure may change its
// configuration.
func newRig(t testing.TB, configure func(*console.Config)) *rig {
	t.Helper()
	a := apptest.New(t, nil)
	r := &rig{App: a, Clock: sim.NewClock(time.Now()), sim: apptest.New(t, nil)}
	camp := web.CampaignConfig{Limits: broadcast.Limits{MaxSegments: 3, MaxRate: 50,
		Flows: func(f, n string) bool { return a.Content.Engine.IsEntry(f + ":" + n) }}, Price: 25, Currency: "XAF"}
	rep := a.Content.Report(182, chat.Messages)
	var flows []string
	for f := range a.Content.Set.Flows {
		flows = append(flows, f)
	}
	cfg := console.Config{
		Staff: a.Store, Registry: a.Store, People: a.Store, Callbacks: a.Store, Desk: a.Store, Outbox: a.Store,
		Stats: a.Store, Audit: a.Store, Campaigns: a.Store, Campaign: camp, Lint: &rep, Flows: flows,
		Entries: []string{"outreach:training"}, Simulator: simulator{r.sim}, Accounts: a.Store, Argon2: cheap, InsecureCookies: true, MaxFailures: 3, Now: r.Clock.Now, Log: apptest.Discard(),
	}
	if configure != nil {
		configure(&cfg)
	}
	srv := web.New(web.Config{Conversations: a.Service, Registry: a.Store, Store: a.Store, Log: apptest.Discard(),
		Console: console.New(cfg)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	r.URL = "http://" + ln.Addr().String()
	for _, acc := range []struct {
		name string
		role msg.Role
		pw   string
	}{{"amina", msg.Administrator, adminPW}, {"carine", msg.Caseworker, casePW}, {"marc", msg.CampaignManager, managerPW}, {"vic", msg.Viewer, viewerPW}} {
		r.account(t, acc.name, acc.role, acc.pw)
	}
	return r
}

// account creates a staff account.
func (r *rig) account(t testing.TB, name string, role msg.Role, pw string) {
	t.Helper()
	h, err := console.HashPassword(pw, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Store.CreateStaff(context.Background(), msg.StaffAccount{Name: name, Role: role, Hash: h, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// register stores n registrations R00000… (every third in English,
// regions alternating between ouest and littoral).
func (r *rig) register(t testing.TB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		lang, region := msg.French, "ouest"
		if i%3 == 0 {
			lang = msg.English
		}
		if i%2 == 1 {
			region = "littoral"
		}
		phone := msg.Address(fmt.Sprintf("+23767%07d", i))
		reg := &msg.Registration{Ref: fmt.Sprintf("R%05d", i), Phone: phone, Lang: lang, Channel: msg.USSD,
			Created: time.Now().Add(-time.Duration(i) * time.Hour),
			Answers: map[string]string{"name": fmt.Sprintf("Person %d", i), "region": region, "situation": "returnee", "sector": "trade", "stage": "idea"}}
		if err := r.Store.Commit(context.Background(), r.Hasher.Person(phone), msg.Change{Registration: reg, State: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
}

// client is one browser: its cookies, no redirect followed.
type client struct {
	r    *rig
	http *http.Client
}

func (r *rig) client(t testing.TB) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &client{r: r, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is an answer: status, body and where it redirects.
type page struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (c *client) do(t testing.TB, req *http.Request) page {
	t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}

// get fetches a console path ("/registrations").
func (c *client) get(t testing.TB, path string) page {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.r.URL+"/console"+path, nil)
	return c.do(t, req)
}

// post sends a form to a console path.
func (c *client) post(t testing.TB, path string, form url.Values) page {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.r.URL+"/console"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(t, req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of a page's forms.
func csrf(t testing.TB, p page) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no CSRF token on the page (%d): %.300s", p.Status, p.Body)
	}
	return m[1]
}

// signin signs in and returns the answer to the form.
func (c *client) signin(t testing.TB, name, pw string) page {
	t.Helper()
	form := c.get(t, "/signin")
	return c.post(t, "/signin", url.Values{"csrf": {csrf(t, form)}, "name": {name}, "password": {pw}, "next": {"/console/"}})
}

// mustSignin signs in, failing the test when it does not work; it returns
// the session's CSRF token.
func (c *client) mustSignin(t testing.TB, name, pw string) string {
	t.Helper()
	if p := c.signin(t, name, pw); p.Status != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d %.300s", name, p.Status, p.Body)
	}
	return csrf(t, c.get(t, "/flows"))
}
