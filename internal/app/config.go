// Package app builds Passerelle from its configuration, once, for every
// way it runs: serve (webhooks, admin API, and by default the outbox
// workers), worker (outbox workers only), sim (the same conversations,
// played in a terminal) and the tests. cmd/passerelle only parses flags
// and calls it.
package app

import (
	"log/slog"
	"time"

	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/seal"
	"github.com/passerelle/passerelle/internal/smstext"
)

// Config is the validated configuration: cmd/passerelle reads it from the
// environment and the flags (and checks every value); New builds the
// application from it.
type Config struct {
	Addr        string
	RedisURL    string
	RedisPrefix string
	Secret      string
	AdminToken  string
	FlowsDir    string
	LocalesDir  string
	USSDBudget  int
	StateTTL    time.Duration
	// PhoneRegion reads inbound numbers sent without their country code
	// (msg.SetDefaultRegion).
	PhoneRegion string
	LogLevel    slog.Level
	LogFormat   string

	// PublicURL is where providers reach the gateway (scheme, host and
	// optional path prefix, no trailing slash); empty when not set.
	PublicURL string
	// SMSProvider names the provider the outbox sends through, or "log".
	SMSProvider string
	// TestSystem says that the gateway is a test system: a provider's
	// check may then be turned off beside a Redis URL
	// (PASSERELLE_TEST_SYSTEM).
	TestSystem bool
	// Providers are the configured providers (registry.Load).
	Providers provider.Set
	// Operators finds a number's mobile operator (config_operator.go);
	// OperatorRoutes sends the SMS of an operator's subscribers through
	// another provider than SMSProvider; OperatorBudgets are the USSD
	// screen budgets of operators whose phones show another number of
	// characters than USSDBudget.
	Operators       *msg.Operators
	OperatorRoutes  map[string]string
	OperatorBudgets map[string]int

	// Conversation services (config_service.go).
	ContactsFile string
	SMSShaping   smstext.Mode
	SMSPerDay    int
	FloodLimit   int
	FloodPeriod  time.Duration
	// Retention: registrations and call-back requests older than this are purged.
	Retention time.Duration

	// Outbox (config_service.go).
	// OutboxInServe runs the outbox workers inside serve; false leaves
	// sending to `passerelle worker` processes.
	OutboxInServe bool
	// OutboxClaimIdle is how long a message may sit with a worker that
	// stopped answering before another worker takes it over.
	OutboxClaimIdle time.Duration
	// OutboxMaxAttempts is how many sends are tried for one message before
	// it goes to the dead letters.
	OutboxMaxAttempts int
	// OutboxConcurrency is how many messages one worker process sends at
	// once per lane.
	OutboxConcurrency int
	// OutboxRetention is how long a sent message's outcome record (no
	// number, no text) is kept for delivery reports and staff.
	OutboxRetention time.Duration

	// RedisSentinelMaster and RedisSentinels reach Redis through Sentinel;
	// RedisSentinelPassword authenticates to the sentinels.
	RedisSentinelMaster   string
	RedisSentinels        []string
	RedisSentinelPassword string
	// RedisCluster, when set, reaches a Redis Cluster through these seed
	// host:port addresses (RedisURL then gives only the user and
	// password); it excludes Sentinel.
	RedisCluster []string
	// WorkerAddr, when set, is where `passerelle worker` serves /healthz,
	// /readyz and /metrics.
	WorkerAddr string
	// StaffTokens are named bearer tokens of /admin, audited by name
	// (config_staff.go).
	StaffTokens map[string]string
	// Encryption seals registration numbers and answers at rest (nil: off).
	Encryption *seal.Keys

	// Campaigns (config_campaign.go).
	Quiet           broadcast.Quiet
	SessionGuard    time.Duration
	RouteRates      map[string]float64
	MaxSegments     int
	PricePerSegment float64
	Currency        string

	// Staff console (cmd/passerelle/config_console.go).
	Console                bool
	ConsoleInsecureCookies bool
	ConsoleSessionTTL      time.Duration
}

// RouteRate is the ceiling of campaign messages a second on the route of
// provider.
func (c Config) RouteRate(provider string) float64 {
	if r, ok := c.RouteRates[provider]; ok {
		return r
	}
	return c.RouteRates[""]
}
