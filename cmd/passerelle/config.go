package main

import (
	"github.com/passerelle/passerelle/internal/broadcast"
	"github.com/passerelle/passerelle/internal/seal"
	"net"

	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/channel/twilio"
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
	"github.com/passerelle/passerelle/internal/smstext"
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

// Config is the validated configuration.
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

	// USSDToken (secret) guards the USSD webhook (?token=); empty leaves it
	// open, which USSDOpen must accept explicitly when RedisURL is set.
	USSDToken string
	USSDOpen  bool

	// SMS providers. Secrets: TwilioAuthToken, ATAPIKey, ATSMSToken.
	PublicURL                 string
	TwilioAccountSID          string
	TwilioAuthToken           string
	TwilioFrom                string
	TwilioMessagingServiceSID string
	TwilioSkipSignature       bool
	ATUsername                string
	ATAPIKey                  string
	ATSMSFrom                 string
	ATSMSToken                string
	// SMSProvider is the outbox: "twilio", "africastalking" or "log".
	SMSProvider string
	// TwilioAPIURL replaces https://api.twilio.com (scheme, host and an
	// optional path prefix); empty keeps it. It is
	// sender.TwilioConfig.BaseURL.
	TwilioAPIURL string
	// ATAPIURL is the Africa's Talking API base, never empty once loaded:
	// PASSERELLE_AT_API_URL, else sender.AfricasTalkingSandbox when
	// ATUsername is "sandbox", else sender.AfricasTalkingLive. It is
	// sender.AfricasTalkingConfig.BaseURL.
	ATAPIURL string
	// TestSystem says that the gateway is a test system: it allows
	// TwilioSkipSignature beside a Redis URL (PASSERELLE_TEST_SYSTEM).
	TestSystem bool

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

	// Staff console (config_console.go).
	Console                bool
	ConsoleInsecureCookies bool
	ConsoleSessionTTL      time.Duration
}

// settings lists every setting, in the order of the README's table.
func settings() []*setting {
	return []*setting{
		{env: "PASSERELLE_ADDR", flag: "addr", def: ":8080", usage: "HTTP listen address"},
		{env: "PASSERELLE_REDIS_URL", flag: "redis-url", def: "", secret: true, usage: "Redis URL (redis://host:port/db); empty starts the embedded in-memory server: nothing survives a restart"},
		{env: "PASSERELLE_REDIS_SENTINEL_MASTER", flag: "redis-sentinel-master", def: "", usage: "the master's name, to reach Redis through Sentinel (the client follows a failover); PASSERELLE_REDIS_URL then gives only the password and database"},
		{env: "PASSERELLE_REDIS_SENTINELS", flag: "redis-sentinels", def: "", usage: "the sentinels' host:port addresses, separated by commas (with PASSERELLE_REDIS_SENTINEL_MASTER)"},
		{env: "PASSERELLE_REDIS_SENTINEL_PASSWORD", flag: "redis-sentinel-password", def: "", secret: true, usage: "password of the sentinels, if they ask one"},
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
		{env: "PASSERELLE_PUBLIC_URL", flag: "public-url", def: "", usage: "scheme, host and optional path prefix under which providers reach the gateway (https://gw.example.org); required with Twilio"},
		{env: "PASSERELLE_SMS_PROVIDER", flag: "sms-provider", def: "", usage: "outbound SMS: twilio, africastalking or log; empty: the one configured, else log"},
		{env: "PASSERELLE_TWILIO_ACCOUNT_SID", flag: "twilio-account-sid", def: "", usage: "Twilio account SID (AC…)"},
		{env: "PASSERELLE_TWILIO_AUTH_TOKEN", flag: "twilio-auth-token", def: "", secret: true, usage: "Twilio auth token; signs webhooks; empty turns the Twilio routes off"},
		{env: "PASSERELLE_TWILIO_FROM", flag: "twilio-from", def: "", usage: "Twilio sending number (E.164) or sender ID; or use the messaging service"},
		{env: "PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", flag: "twilio-messaging-service-sid", def: "", usage: "Twilio messaging service SID (MG…), instead of a sending number"},
		{env: "PASSERELLE_TWILIO_SKIP_SIGNATURE", flag: "twilio-skip-signature", def: "false", usage: "true turns the X-Twilio-Signature check OFF (local tests only: anyone can then post as anyone); refused with a Redis URL unless PASSERELLE_TEST_SYSTEM=true"},
		{env: "PASSERELLE_TEST_SYSTEM", flag: "test-system", def: "false", usage: "true says this gateway is a test system: allows PASSERELLE_TWILIO_SKIP_SIGNATURE beside a Redis URL; never on a gateway that real people reach"},
		{env: "PASSERELLE_TWILIO_API_URL", flag: "twilio-api-url", def: "", usage: "base URL of Twilio's REST API (scheme, host and optional path prefix; a proxy or a test double); empty: https://api.twilio.com"},
		{env: "PASSERELLE_AT_USERNAME", flag: "at-username", def: "", usage: "Africa's Talking username (sandbox uses the sandbox API)"},
		{env: "PASSERELLE_AT_API_KEY", flag: "at-api-key", def: "", secret: true, usage: "Africa's Talking API key"},
		{env: "PASSERELLE_AT_SMS_FROM", flag: "at-sms-from", def: "", usage: "Africa's Talking sender ID or short code; empty: the account's default"},
		{env: "PASSERELLE_AT_API_URL", flag: "at-api-url", def: "", usage: "base URL of Africa's Talking's API (scheme, host and optional path prefix; a proxy or a test double); empty: the live API, or the sandbox API when PASSERELLE_AT_USERNAME is sandbox"},
		{env: "PASSERELLE_CONTACTS_FILE", flag: "contacts-file", def: "", usage: "contact points and staff-checked features (see deploy/contacts.yaml); empty: every contact point reads \"staff will call you back\""},
		{env: "PASSERELLE_SMS_SHAPING", flag: "sms-shaping", def: "none", usage: "none, or gsm7: write SMS with GSM-7 letters only (â→a, ç→c, ’→', …) so they cost one segment per 160 characters"},
		{env: "PASSERELLE_SMS_PER_DAY", flag: "sms-per-day", def: "5", usage: "how many pages one person may ask \"by SMS\" in a day (1 to 100)"},
		{env: "PASSERELLE_SMS_FLOOD", flag: "sms-flood", def: "20/10m", usage: "inbound SMS one person may send, as COUNT/PERIOD; past it one notice, then silence"},
		{env: "PASSERELLE_AT_SMS_TOKEN", flag: "at-sms-token", def: "", secret: true, usage: "token Africa's Talking's SMS callback URLs carry as ?token= (at least 16 characters); empty turns those routes off"},
		{env: "PASSERELLE_USSD_TOKEN", flag: "ussd-token", def: "", secret: true, usage: "token the Africa's Talking USSD callback URL carries as ?token= (at least 16 characters); empty leaves the USSD route open, refused with a Redis URL unless PASSERELLE_USSD_OPEN=true"},
		{env: "PASSERELLE_USSD_OPEN", flag: "ussd-open", def: "false", usage: "true accepts an open USSD route (no PASSERELLE_USSD_TOKEN) with a Redis URL: only for a gateway behind a network that only Africa's Talking reaches"},
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
	loadUSSD(&c, get, bad, name == "serve")
	loadSMS(&c, get, bad)
	loadServices(&c, get, bad)
	loadOutbox(&c, get, bad)
	loadCampaigns(&c, get, bad)
	loadStaff(&c, get, bad)
	loadConsole(&c, get, bad)
	loadSentinel(&c, get, bad)
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

var (
	twilioAccountSID = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	twilioToken      = regexp.MustCompile(`^[A-Za-z0-9]{16,}$`)
	twilioServiceSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	senderID         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ]{0,10}$`)
	urlSafe          = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
	plainName        = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)
)

// loadSMS reads and checks the SMS settings into c. Secret values are never
// quoted in a message.
func loadSMS(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	c.PublicURL = get("PASSERELLE_PUBLIC_URL")
	c.TwilioAccountSID, c.TwilioAuthToken = get("PASSERELLE_TWILIO_ACCOUNT_SID"), get("PASSERELLE_TWILIO_AUTH_TOKEN")
	c.TwilioFrom, c.TwilioMessagingServiceSID = get("PASSERELLE_TWILIO_FROM"), get("PASSERELLE_TWILIO_MESSAGING_SERVICE_SID")
	c.ATUsername, c.ATAPIKey = get("PASSERELLE_AT_USERNAME"), get("PASSERELLE_AT_API_KEY")
	c.ATSMSFrom, c.ATSMSToken = get("PASSERELLE_AT_SMS_FROM"), get("PASSERELLE_AT_SMS_TOKEN")
	c.SMSProvider = get("PASSERELLE_SMS_PROVIDER")

	if c.PublicURL != "" {
		u, err := twilio.PublicURL(c.PublicURL)
		if err != nil {
			bad("PASSERELLE_PUBLIC_URL", "want scheme, host and an optional path only, such as https://gw.example.org")
		}
		c.PublicURL = u
	}
	skip, err := strconv.ParseBool(get("PASSERELLE_TWILIO_SKIP_SIGNATURE"))
	if err != nil {
		bad("PASSERELLE_TWILIO_SKIP_SIGNATURE", "want true or false")
	}
	c.TwilioSkipSignature = skip
	loadTestSystem(c, get, bad)
	if c.TwilioAccountSID != "" && !twilioAccountSID.MatchString(c.TwilioAccountSID) {
		bad("PASSERELLE_TWILIO_ACCOUNT_SID", "want AC followed by 32 hexadecimal digits")
	}
	// twilio-go refuses a token with other characters before sending
	// (error 21224), which would turn every SMS into a dead letter.
	if c.TwilioAuthToken != "" && !twilioToken.MatchString(c.TwilioAuthToken) {
		bad("PASSERELLE_TWILIO_AUTH_TOKEN", "must be at least 16 letters and digits (Twilio's tokens are 32 hexadecimal digits)")
	}
	if c.TwilioAuthToken != "" && !skip && c.PublicURL == "" {
		bad("PASSERELLE_PUBLIC_URL", "required when PASSERELLE_TWILIO_AUTH_TOKEN is set: Twilio's signatures are checked against it")
	}
	if from, ok := sendingAddress(c.TwilioFrom); c.TwilioFrom != "" && !ok {
		bad("PASSERELLE_TWILIO_FROM", "want an E.164 number or a sender ID of at most 11 letters and digits")
	} else {
		c.TwilioFrom = from
	}
	if c.TwilioMessagingServiceSID != "" && !twilioServiceSID.MatchString(c.TwilioMessagingServiceSID) {
		bad("PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", "want MG followed by 32 hexadecimal digits")
	}
	if c.TwilioFrom != "" && c.TwilioMessagingServiceSID != "" {
		bad("PASSERELLE_TWILIO_FROM", "set only one of PASSERELLE_TWILIO_FROM and PASSERELLE_TWILIO_MESSAGING_SERVICE_SID")
	}
	if c.ATUsername != "" && !plainName.MatchString(c.ATUsername) {
		bad("PASSERELLE_AT_USERNAME", "want at most 64 letters, digits or ._@-")
	}
	if c.ATAPIKey != "" && (len(c.ATAPIKey) < 16 || strings.ContainsAny(c.ATAPIKey, " \t\r\n")) {
		bad("PASSERELLE_AT_API_KEY", "must be at least 16 characters without spaces")
	}
	if from, ok := sendingAddress(c.ATSMSFrom); c.ATSMSFrom != "" && !ok {
		bad("PASSERELLE_AT_SMS_FROM", "want a short code, an E.164 number or a sender ID of at most 11 letters and digits")
	} else {
		c.ATSMSFrom = from
	}
	if c.ATSMSToken != "" && (len(c.ATSMSToken) < 16 || !urlSafe.MatchString(c.ATSMSToken)) {
		bad("PASSERELLE_AT_SMS_TOKEN", "must be at least 16 characters among letters, digits and ._~- (it goes in a URL)")
	}
	loadAPIURLs(c, get, bad)

	if c.SMSProvider == "" {
		switch {
		case c.TwilioAccountSID != "" && c.ATUsername != "":
			bad("PASSERELLE_SMS_PROVIDER", "both Twilio and Africa's Talking are configured: choose twilio or africastalking")
		case c.TwilioAccountSID != "":
			c.SMSProvider = "twilio"
		case c.ATUsername != "":
			c.SMSProvider = "africastalking"
		default:
			c.SMSProvider = "log"
		}
	}
	need := func(env, value string) {
		if value == "" {
			bad(env, "required when PASSERELLE_SMS_PROVIDER is %s", c.SMSProvider)
		}
	}
	switch c.SMSProvider {
	case "twilio":
		need("PASSERELLE_TWILIO_ACCOUNT_SID", c.TwilioAccountSID)
		need("PASSERELLE_TWILIO_AUTH_TOKEN", c.TwilioAuthToken)
		need("PASSERELLE_PUBLIC_URL", c.PublicURL) // delivery reports come back there
		if c.TwilioFrom == "" && c.TwilioMessagingServiceSID == "" {
			bad("PASSERELLE_TWILIO_FROM", "set it or PASSERELLE_TWILIO_MESSAGING_SERVICE_SID when PASSERELLE_SMS_PROVIDER is twilio")
		}
	case "africastalking":
		need("PASSERELLE_AT_USERNAME", c.ATUsername)
		need("PASSERELLE_AT_API_KEY", c.ATAPIKey)
	case "log", "":
	default:
		bad("PASSERELLE_SMS_PROVIDER", "want twilio, africastalking or log")
	}
}

// loadAPIURLs reads and checks the providers' API base URLs, and resolves
// the Africa's Talking default (live, or sandbox for the sandbox user).
func loadAPIURLs(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	const want = "want an absolute http(s) URL with an optional path and no query, fragment or credentials, such as %s"
	c.TwilioAPIURL = get("PASSERELLE_TWILIO_API_URL")
	if c.TwilioAPIURL != "" && !validAPIURL(c.TwilioAPIURL) {
		bad("PASSERELLE_TWILIO_API_URL", want, "https://api.twilio.com")
	}
	c.ATAPIURL = get("PASSERELLE_AT_API_URL")
	switch {
	case c.ATAPIURL != "":
		if !validAPIURL(c.ATAPIURL) {
			bad("PASSERELLE_AT_API_URL", want, sender.AfricasTalkingLive)
		}
	case c.ATUsername == "sandbox":
		c.ATAPIURL = sender.AfricasTalkingSandbox
	default:
		c.ATAPIURL = sender.AfricasTalkingLive
	}
}

// validAPIURL reports whether s is an absolute http(s) URL without query,
// fragment or user information: an API base a path can be appended to.
func validAPIURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == "" &&
		u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" && !strings.Contains(s, "#")
}

// loadUSSD reads and checks the USSD webhook's token. With a Redis URL
// (production), an open route must be asked for with PASSERELLE_USSD_OPEN;
// processes that serve no HTTP (worker, reseal) need neither.
func loadUSSD(c *Config, get func(string) string, bad func(env, format string, a ...any), serving bool) {
	c.USSDToken = get("PASSERELLE_USSD_TOKEN")
	open, err := strconv.ParseBool(get("PASSERELLE_USSD_OPEN"))
	if err != nil {
		bad("PASSERELLE_USSD_OPEN", "want true or false")
	}
	c.USSDOpen = open
	switch {
	case c.USSDToken != "" && (len(c.USSDToken) < 16 || !urlSafe.MatchString(c.USSDToken)):
		bad("PASSERELLE_USSD_TOKEN", "must be at least 16 characters among letters, digits and ._~- (it goes in a URL)")
	case c.USSDToken != "" && open:
		bad("PASSERELLE_USSD_OPEN", "set only one of PASSERELLE_USSD_TOKEN and PASSERELLE_USSD_OPEN=true")
	case c.USSDToken == "" && !open && c.RedisURL != "" && serving:
		bad("PASSERELLE_USSD_TOKEN", "required when PASSERELLE_REDIS_URL is set: without it anyone can post as any phone number "+
			"(or set PASSERELLE_USSD_OPEN=true for a gateway behind a network that only Africa's Talking reaches)")
	}
}

// loadTestSystem reads PASSERELLE_TEST_SYSTEM. With a Redis URL (real
// people's data), turning the Twilio signature check off, which lets anyone
// post as anyone, must be asked for by declaring a test system, as the open
// USSD route is with PASSERELLE_USSD_OPEN.
func loadTestSystem(c *Config, get func(string) string, bad func(env, format string, a ...any)) {
	test, err := strconv.ParseBool(get("PASSERELLE_TEST_SYSTEM"))
	if err != nil {
		bad("PASSERELLE_TEST_SYSTEM", "want true or false")
	}
	c.TestSystem = test
	if c.TwilioSkipSignature && c.RedisURL != "" && !test {
		bad("PASSERELLE_TWILIO_SKIP_SIGNATURE", "refused when PASSERELLE_REDIS_URL is set: without the signature check anyone can post "+
			"as any phone number and forge delivery reports (set PASSERELLE_TEST_SYSTEM=true only on a test system)")
	}
}

// sendingAddress checks a sending address and returns it as the provider
// wants it: a value written as an international number ('+', "(+" or "00")
// in E.164 form, a short code or an alphanumeric sender ID as written.
func sendingAddress(s string) (string, bool) {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "(+") || strings.HasPrefix(s, "00") {
		a, err := msg.ParseAddress(s)
		return string(a), err == nil
	}
	return s, senderID.MatchString(s)
}
