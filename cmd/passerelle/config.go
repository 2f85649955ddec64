package main

import (
	"net"

	"github.com/passerelle/passerelle/internal/app"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/registry"
	"github.com/passerelle/passerelle/internal/seal"

	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/msg"
)

// setting is one configuration value: an environment variable and the flag
// that mirrors it.
type setting struct {
	env, flag, def, usage string
	// secret settings never show their value: their flag's default (which
	// -h prints) stays empty and the environment applies after parsing.
	secret bool
	value  *string
}

// Config is the validated configuration (app.Config): loadConfig fills
// it from the environment and the flags.
type Config = app.Config

// settings lists every setting, in the order of the README's table: the
// core's, with every provider's own (registry.Settings) after
// PASSERELLE_TEST_SYSTEM.
func settings() []*setting {
	core := coreSettings()
	for i, s := range core {
		if s.env != "PASSERELLE_TEST_SYSTEM" {
			continue
		}
		var own []*setting
		for _, p := range registry.Settings() {
			own = append(own, &setting{env: p.Env, flag: p.Flag, def: p.Default, usage: p.Usage, secret: p.Secret})
		}
		return append(core[:i+1], append(own, core[i+1:]...)...)
	}
	panic("PASSERELLE_TEST_SYSTEM is not a setting")
}

// coreSettings are the settings that belong to no provider.
func coreSettings() []*setting {
	return []*setting{
		{env: "PASSERELLE_ADDR", flag: "addr", def: ":8080", usage: "HTTP listen address"},
		{env: "PASSERELLE_REDIS_URL", flag: "redis-url", def: "", secret: true, usage: "Redis URL (redis://host:port/db); empty starts the embedded in-memory server: nothing survives a restart"},
		{env: "PASSERELLE_REDIS_SENTINEL_MASTER", flag: "redis-sentinel-master", def: "", usage: "the master's name, to reach Redis through Sentinel (the client follows a failover); PASSERELLE_REDIS_URL then gives only the password and database"},
		{env: "PASSERELLE_REDIS_SENTINELS", flag: "redis-sentinels", def: "", usage: "the sentinels' host:port addresses, separated by commas (with PASSERELLE_REDIS_SENTINEL_MASTER)"},
		{env: "PASSERELLE_REDIS_SENTINEL_PASSWORD", flag: "redis-sentinel-password", def: "", secret: true, usage: "password of the sentinels, if they ask one"},
		{env: "PASSERELLE_REDIS_CLUSTER", flag: "redis-cluster", def: "", usage: "reach a Redis Cluster: seed host:port addresses of its nodes, separated by commas (the client finds the others); PASSERELLE_REDIS_URL then gives only the user and password, and its database must be 0; not with Sentinel"},
		{env: "PASSERELLE_REDIS_PREFIX", flag: "redis-prefix", def: "psl:", usage: "prefix of every Redis key"},
		{env: "PASSERELLE_SECRET", flag: "secret", def: "", secret: true, usage: "key of the keyed hash naming people in keys and logs (at least 16 characters; required with a Redis URL)"},
		{env: "PASSERELLE_ADMIN_TOKEN", flag: "admin-token", def: "", secret: true, usage: "bearer token of /admin (at least 16 characters); empty turns the admin routes off"},
		{env: "PASSERELLE_FLOWS_DIR", flag: "flows-dir", def: "", usage: "directory of flow files; empty uses the copies built into the binary"},
		{env: "PASSERELLE_LOCALES_DIR", flag: "locales-dir", def: "", usage: "directory of locale files; empty uses the copies built into the binary"},
		{env: "PASSERELLE_USSD_BUDGET", flag: "ussd-budget", def: "182", usage: "most characters on one USSD screen (40 to 1000)"},
		{env: "PASSERELLE_PHONE_REGION", flag: "phone-region", def: "CM", usage: "region (ISO 3166 code) in which a number sent without its country code is read: 670000001 is +237670000001 with CM"},
		{env: "PASSERELLE_STATE_TTL", flag: "state-ttl", def: "24h", usage: "how long an unfinished conversation is kept and can be resumed"},
		{env: "PASSERELLE_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error"},
		{env: "PASSERELLE_LOG_FORMAT", flag: "log-format", def: "json", usage: "json or text"},
		{env: "PASSERELLE_PUBLIC_URL", flag: "public-url", def: "", usage: "scheme, host and optional path prefix under which providers reach the gateway (https://gw.example.org); signatures are checked and delivery-report URLs built on it (the providers that need it say so)"},
		{env: "PASSERELLE_SMS_PROVIDER", flag: "sms-provider", def: "", usage: "the provider outbound SMS go through (" + strings.Join(registry.Senders(), ", ") + ") or log; empty: the one configured to send, else log"},
		{env: "PASSERELLE_OPERATOR_PREFIXES", flag: "operator-prefixes", def: "", usage: "mobile operators by number prefix, as name=prefix|prefix,… (digits of the E.164 number: mtn=23767|237650,orange=23769); empty: libphonenumber's carrier data (mtn, orange, nexttel, camtel in Cameroon)"},
		{env: "PASSERELLE_OPERATOR_ROUTES", flag: "operator-routes", def: "", usage: "outbound SMS of an operator's subscribers through another provider than PASSERELLE_SMS_PROVIDER, as operator=provider,… (orange=kannel,mtn=jasmin); each provider must be configured to send"},
		{env: "PASSERELLE_OPERATOR_USSD_BUDGET", flag: "operator-ussd-budget", def: "", usage: "USSD screen budget of operators whose phones show another number of characters than PASSERELLE_USSD_BUDGET, as operator=characters,… (orange=160; 40 to 1000)"},
		{env: "PASSERELLE_TEST_SYSTEM", flag: "test-system", def: "false", usage: "true says this gateway is a test system: a provider's check may then be turned off beside a Redis URL; never on a gateway that real people reach"},
		{env: "PASSERELLE_CONTACTS_FILE", flag: "contacts-file", def: "", usage: "contact points and staff-checked features (see deploy/contacts.yaml); empty: every contact point reads \"staff will call you back\""},
		{env: "PASSERELLE_SMS_SHAPING", flag: "sms-shaping", def: "none", usage: "none, or gsm7: write SMS with GSM-7 letters only (â→a, ç→c, ’→', …) so they cost one segment per 160 characters"},
		{env: "PASSERELLE_SMS_PER_DAY", flag: "sms-per-day", def: "5", usage: "how many pages one person may ask \"by SMS\" in a day (1 to 100)"},
		{env: "PASSERELLE_SMS_FLOOD", flag: "sms-flood", def: "20/10m", usage: "inbound SMS one person may send, as COUNT/PERIOD; past it one notice, then silence"},
		{env: "PASSERELLE_RETENTION", flag: "retention", def: "17520h", usage: "how long registrations and call-back requests are kept (at least 24h; default 2 years, as the consent text promises); older ones are purged at start-up and every hour"},
		{env: "PASSERELLE_WORKER_ADDR", flag: "worker-addr", def: "", usage: "where passerelle worker serves /healthz, /readyz and /metrics (such as :9090); empty: no listener"},
		{env: "PASSERELLE_OUTBOX_IN_SERVE", flag: "outbox-in-serve", def: "true", usage: "true runs the outbox workers inside serve; false leaves sending to \"passerelle worker\" processes"},
		{env: "PASSERELLE_OUTBOX_CLAIM_IDLE", flag: "outbox-claim-idle", def: "60s", usage: "how long a message may sit with a worker that stopped answering before another worker takes it over (5s to 1h)"},
		{env: "PASSERELLE_OUTBOX_MAX_ATTEMPTS", flag: "outbox-max-attempts", def: "8", usage: "sends tried for one message before it goes to the dead letters (1 to 100)"},
		{env: "PASSERELLE_OUTBOX_CONCURRENCY", flag: "outbox-concurrency", def: "8", usage: "messages one worker process sends at once per lane (1 to 256)"},
		{env: "PASSERELLE_ENCRYPTION_KEYS", flag: "encryption-keys", def: "", secret: true, usage: "encrypts registration numbers and answers at rest (AES-256-GCM) with id:base64key[,id:base64key…] (32-byte keys, openssl rand -base64 32): the first seals, the others only open, for a rotation; empty: off"},
		{env: "PASSERELLE_STAFF_TOKENS", flag: "staff-tokens", def: "", secret: true, usage: "more bearer tokens of /admin, one per staff member, as name=token,name2=token2 (names of letters, digits and ._-; tokens of at least 16 characters): the audit stream names who did what"},
		{env: "PASSERELLE_QUIET_HOURS", flag: "quiet-hours", def: "20:00-08:00", usage: "no campaign message is sent then (HH:MM-HH:MM in PASSERELLE_TIMEZONE, or none); messages due are held until the end"},
		{env: "PASSERELLE_TIMEZONE", flag: "timezone", def: "Africa/Douala", usage: "time zone of the quiet hours (IANA name)"},
		{env: "PASSERELLE_SESSION_GUARD", flag: "session-guard", def: "5m", usage: "a campaign message to a person whose conversation moved this recently is held this long (an SMS ends a USSD session on many phones); 0 turns it off"},
		{env: "PASSERELLE_ROUTE_RATE", flag: "route-rate", def: "20", usage: "ceiling of campaign messages a second on the route, shared by every worker: a number, or per provider twilio=30,africastalking=20 (others 20)"},
		{env: "PASSERELLE_CAMPAIGN_MAX_SEGMENTS", flag: "campaign-max-segments", def: "3", usage: "a campaign text longer than this many SMS segments is refused (1 to 10)"},
		{env: "PASSERELLE_SMS_PRICE", flag: "sms-price", def: "0", usage: "price of one SMS segment, for the campaign preview's cost (a number, such as 25)"},
		{env: "PASSERELLE_SMS_CURRENCY", flag: "sms-currency", def: "XAF", usage: "currency of PASSERELLE_SMS_PRICE"},
		{env: "PASSERELLE_CONSOLE", flag: "console", def: "true", usage: "true serves the staff web console under /console (accounts: passerelle staff add); false turns it off"},
		{env: "PASSERELLE_CONSOLE_INSECURE_COOKIES", flag: "console-insecure-cookies", def: "false", usage: "true drops the Secure flag of the console's cookies so that a browser keeps them over plain http: only for local use on http://localhost, never behind a public address"},
		{env: "PASSERELLE_CONSOLE_SESSION_TTL", flag: "console-session-ttl", def: "8h", usage: "how long a console sign-in lasts (5m to 24h)"},
		{env: "PASSERELLE_OUTBOX_RETENTION", flag: "outbox-retention", def: "168h", usage: "how long a sent message's outcome record (no number, no text) is kept for delivery reports and staff (1h to 2160h)"},
	}
}

// loadConfig reads the environment, then the flags given in args. It returns
// an error naming the setting for each bad value.
func loadConfig(name string, args []string, getenv func(string) string) (Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	all := settings()
	env := map[string]string{}
	for _, s := range all {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		if s.secret {
			env[s.flag], v = v, ""
		}
		s.value = fs.String(s.flag, v, s.usage+" ($"+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, fs, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range all {
		if s.secret && !given[s.flag] {
			*s.value = env[s.flag]
		}
	}
	get := func(env string) string {
		for _, s := range all {
			if s.env == env {
				return strings.TrimSpace(*s.value)
			}
		}
		return ""
	}
	c := Config{
		Addr: get("PASSERELLE_ADDR"), RedisURL: get("PASSERELLE_REDIS_URL"), RedisPrefix: get("PASSERELLE_REDIS_PREFIX"),
		Secret: get("PASSERELLE_SECRET"), AdminToken: get("PASSERELLE_ADMIN_TOKEN"),
		FlowsDir: get("PASSERELLE_FLOWS_DIR"), LocalesDir: get("PASSERELLE_LOCALES_DIR"), LogFormat: get("PASSERELLE_LOG_FORMAT"),
	}
	var errs []error
	bad := func(env, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{env}, a...)...))
	}
	if c.Addr == "" {
		bad("PASSERELLE_ADDR", "must not be empty")
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("PASSERELLE_REDIS_URL", "want redis://host:port/db or rediss://…")
		}
		if c.Secret == "" {
			bad("PASSERELLE_SECRET", "required when PASSERELLE_REDIS_URL is set (people's keys must survive restarts)")
		}
	}
	if c.Secret != "" && len(c.Secret) < 16 {
		bad("PASSERELLE_SECRET", "must be at least 16 characters")
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		bad("PASSERELLE_ADMIN_TOKEN", "must be at least 16 characters")
	}
	for _, d := range []struct{ env, dir string }{{"PASSERELLE_FLOWS_DIR", c.FlowsDir}, {"PASSERELLE_LOCALES_DIR", c.LocalesDir}} {
		if d.dir == "" {
			continue
		}
		if st, err := os.Stat(d.dir); err != nil || !st.IsDir() {
			bad(d.env, "%q is not a directory", d.dir)
		}
	}
	n, err := strconv.Atoi(get("PASSERELLE_USSD_BUDGET"))
	if err != nil || n < 40 || n > 1000 {
		bad("PASSERELLE_USSD_BUDGET", "want a number from 40 to 1000, got %q", get("PASSERELLE_USSD_BUDGET"))
	}
	c.USSDBudget = n
	ttl, err := time.ParseDuration(get("PASSERELLE_STATE_TTL"))
	if err != nil || ttl < time.Minute || ttl > 30*24*time.Hour {
		bad("PASSERELLE_STATE_TTL", "want a duration from 1m to 720h, got %q", get("PASSERELLE_STATE_TTL"))
	}
	c.StateTTL = ttl
	if err := c.LogLevel.UnmarshalText([]byte(get("PASSERELLE_LOG_LEVEL"))); err != nil {
		bad("PASSERELLE_LOG_LEVEL", "want debug, info, warn or error")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("PASSERELLE_LOG_FORMAT", "want json or text")
	}
	// The region is set before the SMS settings, whose sending number is
	// read with it.
	c.PhoneRegion = strings.ToUpper(get("PASSERELLE_PHONE_REGION"))
	if err := msg.SetDefaultRegion(c.PhoneRegion); err != nil {
		bad("PASSERELLE_PHONE_REGION", "want a region code with a numbering plan (CM, NG, FR…), got %q", c.PhoneRegion)
	}
	loadProviders(&c, get, bad, name == "serve")
	loadOperators(&c, get, bad)
	loadServices(&c, get, bad)
	loadOutbox(&c, get, bad)
	loadCampaigns(&c, get, bad)
	loadStaff(&c, get, bad)
	loadConsole(&c, get, bad)
	loadSentinel(&c, get, bad)
	loadCluster(&c, get, bad)
	c.WorkerAddr = get("PASSERELLE_WORKER_ADDR")
	if c.WorkerAddr != "" {
		if _, _, err := net.SplitHostPort(c.WorkerAddr); err != nil {
			bad("PASSERELLE_WORKER_ADDR", "want host:port or :port, got %q", c.WorkerAddr)
		}
	}
	if v := get("PASSERELLE_ENCRYPTION_KEYS"); v != "" {
		k, err := seal.ParseKeys(v)
		if err != nil {
			bad("PASSERELLE_ENCRYPTION_KEYS", "%v", err)
		}
		c.Encryption = k
	}
	return c, fs, errors.Join(errs...)
}

// loadProviders reads the settings every provider shares (the public URL,
// the test-system flag, which provider sends), then each provider's own
// (registry.Load).
func loadProviders(c *Config, get func(string) string, bad func(env, format string, a ...any), serving bool) {
	c.PublicURL = get("PASSERELLE_PUBLIC_URL")
	if c.PublicURL != "" {
		u, err := provider.PublicURL(c.PublicURL)
		if err != nil {
			bad("PASSERELLE_PUBLIC_URL", "want scheme, host and an optional path only, such as https://gw.example.org")
		}
		c.PublicURL = u
	}
	test, err := strconv.ParseBool(get("PASSERELLE_TEST_SYSTEM"))
	if err != nil {
		bad("PASSERELLE_TEST_SYSTEM", "want true or false")
	}
	c.TestSystem = test
	c.Providers = registry.Load(provider.Env{
		Get: get, Bad: bad, PublicURL: c.PublicURL, Production: c.RedisURL != "", TestSystem: test, Serving: serving,
	}, get("PASSERELLE_SMS_PROVIDER"))
	c.SMSProvider = c.Providers.SMS
}
