// Package web is Passerelle's HTTP side and the only package that imports
// Fiber: provider webhooks, health checks and the staff admin API. Handlers
// parse, call a service, and write; everything else lives once, here.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
)

// Conversations answers inbound messages (chat.Service).
type Conversations interface {
	Handle(ctx context.Context, in msg.Inbound) (msg.Reply, error)
}

// Registry is the staff's read access to registrations.
type Registry interface {
	Registrations(ctx context.Context, f msg.Filter) ([]msg.Registration, int, error)
	Registration(ctx context.Context, ref string) (msg.Registration, error)
	EachRegistration(ctx context.Context, fn func(msg.Registration) error) error
}

// Pinger tells whether the store answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config wires a Server. Zero durations take the defaults.
type Config struct {
	Conversations Conversations
	Registry      Registry
	Store         Pinger
	Log           *slog.Logger
	// Callbacks gives staff the call-back requests (nil: routes off).
	Callbacks Callbacks
	// Routes are the providers' webhooks (provider.Registry): each is
	// mounted as it says, its refusals answered in its own form.
	Routes []provider.Route
	// AdminToken guards /admin (audited as "admin"); StaffTokens are more
	// bearer tokens by staff name, each audited under its name. With none
	// at all, the admin routes are off.
	AdminToken  string
	StaffTokens map[string]string
	// Stats gives the counts of GET /admin/stats (nil: route off).
	Stats Stats
	// Audit keeps the audit stream: every staff read of personal data and
	// every change (nil: nothing audited and GET /admin/audit off).
	Audit Auditor
	// HopTimeout bounds one USSD/SMS hop (default 3 s: USSD gateways wait
	// only a few seconds).
	HopTimeout time.Duration
	// BodyLimit is the largest request body accepted (default 16 KiB).
	BodyLimit int
	// WriteTimeout bounds writing one response (default 10 s), so that a
	// client that stops reading cannot hold a connection (slowloris). The
	// CSV export, which may take minutes, instead gets WriteTimeout for each
	// piece it writes, within a deadline of its own (exportTimeout).
	WriteTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics, when set, is served at GET /metrics (Prometheus text format;
	// no personal data in any label).
	Metrics http.Handler
	// Observe, when set, is told every request's route, status and duration.
	Observe func(route string, status int, d time.Duration)
	// Inbound, when set, is told every inbound message a route accepted,
	// before its hop (metrics by operator).
	Inbound func(in msg.Inbound)

	// Outbox shows staff where the outbox stands and retries its dead
	// letters (nil: routes off).
	Outbox Outbox
	// People erases a person for staff (nil: route off).
	People People
	// Campaigns keeps outreach campaigns (nil: routes off); Campaign is
	// what they are checked and priced against.
	Campaigns Campaigns
	Campaign  CampaignConfig
	// Statuses records delivery reports and opt-outs;
	// Hasher names the person of an opt-out. The status routes need both.
	Statuses Statuses
	Hasher   *msg.Hasher
	// Console, when set, is the staff web console, served under /console
	// (it does its own sign-in).
	Console http.Handler
}

// DefaultWriteTimeout is Config.WriteTimeout's default.
const DefaultWriteTimeout = 10 * time.Second

// Server is the HTTP front of Passerelle.
type Server struct {
	cfg Config
	app *fiber.App
	log *slog.Logger
}

// New returns a Server with every route mounted.
func New(cfg Config) *Server {
	if cfg.HopTimeout <= 0 {
		cfg.HopTimeout = 3 * time.Second
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 16 << 10
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{cfg: cfg, log: cfg.Log}
	s.app = fiber.New(fiber.Config{
		AppName:               "passerelle",
		DisableStartupMessage: true,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           10 * time.Second,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           60 * time.Second,
		ErrorHandler:          s.errorHandler,
	})
	s.routes()
	return s
}

// App returns the Fiber app (for tests: app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting requests and waits for those under way.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

func (s *Server) routes() {
	s.app.Use(s.requestID, s.recover, s.accessLog)
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)
	if s.cfg.Metrics != nil {
		s.app.Get("/metrics", adaptor.HTTPHandler(s.cfg.Metrics))
	}
	if tokens := s.staffTokens(); len(tokens) > 0 && s.cfg.Registry != nil {
		admin := s.app.Group("/admin", s.adminAuth(tokens))
		if s.cfg.Audit != nil {
			admin.Get("/audit", s.listAudit)
		}
		if s.cfg.Stats != nil {
			admin.Get("/stats", s.stats)
		}
		admin.Get("/registrations", s.listRegistrations)
		admin.Get("/registrations.csv", s.exportRegistrations)
		admin.Get("/registrations/:ref", s.getRegistration)
		if s.cfg.Callbacks != nil {
			admin.Get("/callbacks", s.listCallbacks)
			admin.Post("/callbacks/:ref/done", s.closeCallback)
			s.callbackDeskRoutes(admin)
		}
		if s.cfg.Outbox != nil {
			admin.Get("/outbox", s.outboxStats)
			admin.Post("/outbox/dead/retry", s.retryDead)
		}
		if s.cfg.Campaigns != nil {
			s.campaignRoutes(admin)
		}
		if s.cfg.People != nil && s.cfg.Hasher != nil {
			admin.Delete("/people/:phone", s.erasePerson)
		}
	}
	if s.cfg.Console != nil {
		s.app.Use("/console", adaptor.HTTPHandler(s.cfg.Console))
	}
	s.providerRoutes()
}
