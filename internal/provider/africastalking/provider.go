package africastalking

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/sender"
)

// Factory builds the Africa's Talking provider: the USSD callback
// (/ussd/africastalking, always on), the SMS callbacks
// (/sms/africastalking and its delivery reports, on with
// PASSERELLE_AT_SMS_TOKEN) and the SMS sender (with a username and key).
var Factory = provider.Factory{
	Name:  Provider,
	Sends: true,
	Settings: []provider.Setting{
		{Env: "PASSERELLE_USSD_TOKEN", Flag: "ussd-token", Secret: true, Usage: "token the Africa's Talking USSD callback URL carries as ?token= (at least 16 characters); empty leaves the USSD route open, refused with a Redis URL unless PASSERELLE_USSD_OPEN=true"},
		{Env: "PASSERELLE_USSD_OPEN", Flag: "ussd-open", Default: "false", Usage: "true accepts an open USSD route (no PASSERELLE_USSD_TOKEN) with a Redis URL: only for a gateway behind a network that only Africa's Talking reaches"},
		{Env: "PASSERELLE_AT_USERNAME", Flag: "at-username", Usage: "Africa's Talking username (sandbox uses the sandbox API)"},
		{Env: "PASSERELLE_AT_API_KEY", Flag: "at-api-key", Secret: true, Usage: "Africa's Talking API key"},
		{Env: "PASSERELLE_AT_SMS_FROM", Flag: "at-sms-from", Usage: "Africa's Talking sender ID or short code; empty: the account's default"},
		{Env: "PASSERELLE_AT_API_URL", Flag: "at-api-url", Usage: "base URL of Africa's Talking's API (scheme, host and optional path prefix; a proxy or a test double); empty: the live API, or the sandbox API when PASSERELLE_AT_USERNAME is sandbox"},
		{Env: "PASSERELLE_AT_SMS_TOKEN", Flag: "at-sms-token", Secret: true, Usage: "token Africa's Talking's SMS callback URLs carry as ?token= (at least 16 characters); empty turns those routes off"},
	},
	Load: load,
}

// Config is the Africa's Talking configuration, checked.
type Config struct {
	// USSDToken guards /ussd/africastalking; empty leaves it open
	// (USSDOpen says it was asked for).
	USSDToken string
	USSDOpen  bool
	// SMSToken guards the SMS callbacks; empty turns them off.
	SMSToken string
	// Send configures the sender; Send.Username empty: no sender.
	Send SendConfig
}

// Africa's Talking provider, configured.
type atProvider struct {
	cfg    Config
	sender sender.Sender
}

var plainName = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

func load(e provider.Env) provider.Provider {
	c := Config{USSDToken: provider.LoadToken(e, "PASSERELLE_USSD_TOKEN"), SMSToken: provider.LoadToken(e, "PASSERELLE_AT_SMS_TOKEN")}
	open, err := strconv.ParseBool(e.Get("PASSERELLE_USSD_OPEN"))
	if err != nil {
		e.Bad("PASSERELLE_USSD_OPEN", "want true or false")
	}
	c.USSDOpen = open
	switch {
	case c.USSDToken != "" && open:
		e.Bad("PASSERELLE_USSD_OPEN", "set only one of PASSERELLE_USSD_TOKEN and PASSERELLE_USSD_OPEN=true")
	case c.USSDToken == "" && !open && e.Production && e.Serving:
		e.Bad("PASSERELLE_USSD_TOKEN", "required when PASSERELLE_REDIS_URL is set: without it anyone can post as any phone number "+
			"(or set PASSERELLE_USSD_OPEN=true for a gateway behind a network that only Africa's Talking reaches)")
	}
	s := &c.Send
	s.Username, s.APIKey = e.Get("PASSERELLE_AT_USERNAME"), e.Get("PASSERELLE_AT_API_KEY")
	if s.Username != "" && !plainName.MatchString(s.Username) {
		e.Bad("PASSERELLE_AT_USERNAME", "want at most 64 letters, digits or ._@-")
	}
	if s.APIKey != "" && (len(s.APIKey) < 16 || strings.ContainsAny(s.APIKey, " \t\r\n")) {
		e.Bad("PASSERELLE_AT_API_KEY", "must be at least 16 characters without spaces")
	}
	s.From = provider.LoadSendingAddress(e, "PASSERELLE_AT_SMS_FROM", "a short code, an E.164 number or a sender ID of at most 11 letters and digits")
	def := Live
	if s.Username == "sandbox" {
		def = Sandbox
	}
	s.BaseURL = provider.LoadAPIURL(e, "PASSERELLE_AT_API_URL", def, Live)
	s.HTTPClient = e.HTTPClient
	if e.SMSProvider == Provider {
		e.Need("PASSERELLE_AT_USERNAME", s.Username, "when PASSERELLE_SMS_PROVIDER is africastalking")
	}
	if s.Username != "" || e.SMSProvider == Provider {
		e.Need("PASSERELLE_AT_API_KEY", s.APIKey, "to send through Africa's Talking")
	}
	p := &atProvider{cfg: c}
	if s.Username != "" && s.APIKey != "" {
		if snd, err := NewSender(*s); err == nil {
			p.sender = snd
		} else {
			e.Bad("PASSERELLE_AT_API_URL", "%v", err)
		}
	}
	return p
}

// ConfigOf returns the configuration of an Africa's Talking provider (for
// tests and start-up checks); ok is false for another provider.
func ConfigOf(p provider.Provider) (Config, bool) {
	a, ok := p.(*atProvider)
	if !ok {
		return Config{}, false
	}
	return a.cfg, true
}

func (p *atProvider) Name() string          { return Provider }
func (p *atProvider) Sender() sender.Sender { return p.sender }

// Routes are the provider's webhooks.
func (p *atProvider) Routes() []provider.Route { return Routes(p.cfg) }

// Routes are Africa's Talking's webhooks for c: the USSD callback always
// (behind USSDToken when set), the SMS callback and its delivery reports
// behind SMSToken, when set.
func Routes(c Config) []provider.Route {
	ussd := USSDRoute()
	if c.USSDToken != "" {
		ussd.Auth = provider.QueryToken(c.USSDToken)
	}
	routes := []provider.Route{ussd}
	if c.SMSToken != "" {
		auth := provider.QueryToken(c.SMSToken)
		sms, status := SMSRoute(), StatusRoute()
		sms.Auth, status.Auth = auth, auth
		routes = append(routes, sms, status)
	}
	return routes
}

// Notices say whether the USSD route checks a token (loudly when it does
// not: anyone who reaches it can then post as any phone number, read that
// person's registration and erase their data) and whether the SMS routes
// are on.
func (p *atProvider) Notices() []provider.Notice {
	var n []provider.Notice
	switch {
	case p.cfg.USSDToken != "":
		n = append(n, provider.Notice{Text: "ussd route checks ?token="})
	case p.cfg.USSDOpen:
		n = append(n, provider.Notice{Warn: true, Text: "PASSERELLE_USSD_OPEN=true: THE USSD ROUTE CHECKS NO TOKEN; anyone who reaches it can post as any phone number, " +
			"read and erase that person's data. Only for a gateway behind a network that only Africa's Talking reaches."})
	default:
		n = append(n, provider.Notice{Warn: true, Text: "no PASSERELLE_USSD_TOKEN: THE USSD ROUTE CHECKS NO TOKEN; anyone who reaches it can post as any phone number, " +
			"read and erase that person's data. Set PASSERELLE_USSD_TOKEN and add ?token= to the callback URL before going live."})
	}
	if p.cfg.SMSToken == "" {
		n = append(n, provider.Notice{Text: "no PASSERELLE_AT_SMS_TOKEN: the Africa's Talking SMS routes are off"})
	}
	return n
}

// USSDRoute is the USSD callback without its token check: "CON …"/"END …"
// as text/plain. A store failure still gets 200 with an apology (END), so
// the person's phone shows something.
func USSDRoute() provider.Route {
	return provider.Route{Methods: []string{"POST"}, Path: "/ussd/africastalking", Conversation: &provider.Conversation{
		Parse: func(r provider.Request) (msg.Inbound, error) { return ParseUSSD(r.Body, r.Now) },
		Answer: func(_ msg.Inbound, reply msg.Reply, _ error) provider.Response {
			return provider.Response{Body: FormatUSSD(reply)}
		},
	}}
}

// SMSRoute is the incoming-message callback without its token check.
// Africa's Talking takes no inline reply: the hop's commit queues the
// reply in the outbox, and the callback is answered 200 only once that
// commit is stored. When the store fails nothing is stored and it answers
// 503, so that Africa's Talking posts again; a retry of a message already
// stored is answered from the dedupe cache and queues nothing twice.
func SMSRoute() provider.Route {
	return provider.Route{Methods: []string{"POST"}, Path: "/sms/africastalking", Conversation: &provider.Conversation{
		Parse: func(r provider.Request) (msg.Inbound, error) {
			in, err := ParseSMS(r.Body, r.Now)
			in.ReplyOutOfBand = true
			return in, err
		},
		Answer: provider.StoredAnswer("ok"),
	}}
}

// StatusRoute records delivery reports (without its token check). They
// carry only AT's message id, which the outbox recorded beside ours when
// it sent the message. UserInBlacklist and DoNotDisturbRejection mark the
// recipient opted out.
func StatusRoute() provider.Route {
	return provider.Route{Methods: []string{"POST"}, Path: "/sms/africastalking/status", Delivery: &provider.Delivery{
		Parse: func(r provider.Request) (provider.Report, error) {
			rep, err := ParseSMSStatus(r.Body, r.Now)
			return rep, err
		},
	}}
}
