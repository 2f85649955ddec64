// Package console is the programme staff's web console: server-rendered
// pages (html/template, French and English) over the same services as the
// admin API, behind a sign-in of its own (staff accounts with roles,
// sessions in cookies, CSRF tokens, lock-out). It is a plain http.Handler;
// package web mounts it under /console.
package console

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/content"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/web"
)

// Staff keeps the console's accounts, sessions and sign-in failures
// (redisstore.Store).
type Staff interface {
	StaffAccount(ctx context.Context, name string) (msg.StaffAccount, error)
	StaffAccounts(ctx context.Context) ([]msg.StaffAccount, error)
	CreateStaffSession(ctx context.Context, id string, s msg.StaffSession) error
	StaffSession(ctx context.Context, id string, now time.Time) (msg.StaffSession, error)
	DeleteStaffSession(ctx context.Context, id string) error
	StaffFailure(ctx context.Context, name string, lockout time.Duration) (int, error)
	StaffFailures(ctx context.Context, name string) (int, error)
	ClearStaffFailures(ctx context.Context, name string) error
}

// Config wires a Console. The services are those of the admin API (package
// web declares them); a nil service turns its pages off.
type Config struct {
	// Base is the path the console is served under (default "/console").
	Base  string
	Staff Staff

	Registry  web.Registry
	People    web.People
	Callbacks web.Callbacks
	// Desk assigns call-backs and closes them with a note (nil: the
	// call-back page only lists them and marks them done).
	Desk      web.CallbackDesk
	Outbox    web.Outbox
	Stats     web.Stats
	Audit     web.Auditor
	Campaigns web.Campaigns
	Campaign  web.CampaignConfig
	// Lint is the report on the flows and texts the gateway serves.
	Lint *content.Report
	// Flows names the flows, for the lint page; Entries the flow entries
	// ("flow:node") a campaign's reply may enter.
	Flows   []string
	Entries []string
	// Simulator plays conversations on a store of its own, never on real
	// people's data (nil: no simulator).
	Simulator Simulator
	// Accounts lets administrators add and delete accounts (nil: only
	// `passerelle staff add` does); Argon2 is the cost of the hashes it
	// writes (default DefaultArgon2).
	Accounts Accounts
	Argon2   Argon2Params

	// InsecureCookies drops the Secure flag of the console's cookies, so
	// that a browser keeps them over plain http: only for local use on
	// http://localhost. Default: Secure.
	InsecureCookies bool
	// SessionTTL is how long a session lasts after sign-in (default 8 h).
	SessionTTL time.Duration
	// MaxFailures failed sign-ins lock an account for Lockout (defaults 5
	// and 15 minutes); every failure restarts the lock-out's clock.
	MaxFailures int
	Lockout     time.Duration
	// Now is the clock (default time.Now); Log the logger.
	Now func() time.Time
	Log *slog.Logger
}

// Defaults of Config.
const (
	DefaultSessionTTL  = 8 * time.Hour
	DefaultMaxFailures = 5
	DefaultLockout     = 15 * time.Minute
)

// Console is the staff web console.
type Console struct {
	cfg  Config
	log  *slog.Logger
	mux  *http.ServeMux
	tmpl *templates
}

// New returns the console with every page whose service is configured.
func New(cfg Config) *Console {
	if cfg.Base == "" {
		cfg.Base = "/console"
	}
	cfg.Base = strings.TrimSuffix(cfg.Base, "/")
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = DefaultMaxFailures
	}
	if cfg.Lockout <= 0 {
		cfg.Lockout = DefaultLockout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = DefaultArgon2
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	c := &Console{cfg: cfg, log: cfg.Log, mux: http.NewServeMux(), tmpl: parseTemplates()}
	c.routes()
	return c
}

// contentSecurityPolicy allows only the console's own files: no inline
// script, no inline style, nothing from another site, no framing.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// ServeHTTP sets the security headers and serves the console's routes.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

// path returns the console's URL of p ("/registrations" → "/console/registrations").
func (c *Console) path(p string) string { return c.cfg.Base + p }
