package kannel

import (
	"regexp"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
	"github.com/passerelle/passerelle/internal/sender"
)

// Factory builds the Kannel provider: inbound messages from an sms-service
// get-url and delivery reports from the dlr-url (/sms/kannel,
// /sms/kannel/dlr; on with PASSERELLE_KANNEL_TOKEN) and the sender through
// smsbox's sendsms (with a send URL, username and password).
var Factory = provider.Factory{
	Name:  Provider,
	Sends: true,
	Settings: []provider.Setting{
		{Env: "PASSERELLE_KANNEL_TOKEN", Flag: "kannel-token", Secret: true, Usage: "token Kannel's get-url and dlr-url carry as ?token= (at least 16 characters); empty turns /sms/kannel and /sms/kannel/dlr off (and asks for no delivery reports)"},
		{Env: "PASSERELLE_KANNEL_SEND_URL", Flag: "kannel-send-url", Usage: "smsbox's sendsms URL, such as http://kannel:13013/cgi-bin/sendsms; empty: nothing is sent through Kannel"},
		{Env: "PASSERELLE_KANNEL_USERNAME", Flag: "kannel-username", Usage: "username of Kannel's sendsms-user"},
		{Env: "PASSERELLE_KANNEL_PASSWORD", Flag: "kannel-password", Secret: true, Usage: "password of Kannel's sendsms-user"},
		{Env: "PASSERELLE_KANNEL_FROM", Flag: "kannel-from", Usage: "sender address: a short code, an E.164 number or a sender ID of at most 11 letters and digits; empty: Kannel's (global-sender, faked-sender or the SMSC's)"},
		{Env: "PASSERELLE_KANNEL_SMSC", Flag: "kannel-smsc", Usage: "smsc-id the messages are routed to; empty: Kannel's routing (default-smsc, forced-smsc)"},
		{Env: "PASSERELLE_KANNEL_NUMBER_FORMAT", Flag: "kannel-number-format", Default: "e164", Usage: "how numbers are written to Kannel: e164 (+237…), digits (237…) or 00 (00237…)"},
	},
	Load: load,
}

// Config is the Kannel configuration, checked.
type Config struct {
	// Token guards the routes; empty turns them off.
	Token string
	// Send configures the sender; Send.URL empty: no sender.
	Send SendConfig
}

type kannelProvider struct {
	cfg    Config
	sender sender.Sender
}

var (
	// credential is a sendsms-user's username or password: it goes in a
	// URL, so spaces and control characters are refused.
	credential = regexp.MustCompile(`^[!-~]{1,64}$`)
	smscID     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)
)

func load(e provider.Env) provider.Provider {
	c := Config{Token: provider.LoadToken(e, "PASSERELLE_KANNEL_TOKEN")}
	s := &c.Send
	s.URL, s.Username, s.Password = e.Get("PASSERELLE_KANNEL_SEND_URL"), e.Get("PASSERELLE_KANNEL_USERNAME"), e.Get("PASSERELLE_KANNEL_PASSWORD")
	if s.URL != "" && !provider.ValidSendURL(s.URL) {
		e.Bad("PASSERELLE_KANNEL_SEND_URL", "want an absolute http(s) URL without credentials or fragment, such as http://kannel:13013/cgi-bin/sendsms")
	}
	if s.Username != "" && !credential.MatchString(s.Username) {
		e.Bad("PASSERELLE_KANNEL_USERNAME", "want 1 to 64 characters without spaces")
	}
	if s.Password != "" && !credential.MatchString(s.Password) {
		e.Bad("PASSERELLE_KANNEL_PASSWORD", "want 1 to 64 characters without spaces")
	}
	s.From = provider.LoadSendingAddress(e, "PASSERELLE_KANNEL_FROM", "a short code, an E.164 number or a sender ID of at most 11 letters and digits")
	if s.SMSC = e.Get("PASSERELLE_KANNEL_SMSC"); s.SMSC != "" && !smscID.MatchString(s.SMSC) {
		e.Bad("PASSERELLE_KANNEL_SMSC", "want an smsc-id of 1 to 32 letters, digits or ._-")
	}
	f, err := provider.ParseNumberFormat(e.Get("PASSERELLE_KANNEL_NUMBER_FORMAT"))
	if err != nil {
		e.Bad("PASSERELLE_KANNEL_NUMBER_FORMAT", "want e164, digits or 00")
	}
	s.Format, s.HTTPClient = f, e.HTTPClient
	if c.Token == "" && s.URL == "" && s.Username == "" && s.Password == "" {
		return nil
	}
	if s.URL == "" && s.Username == "" && s.Password == "" {
		return &kannelProvider{cfg: c}
	}
	const why = "to send through Kannel"
	e.Need("PASSERELLE_KANNEL_SEND_URL", s.URL, why)
	e.Need("PASSERELLE_KANNEL_USERNAME", s.Username, why)
	e.Need("PASSERELLE_KANNEL_PASSWORD", s.Password, why)
	if c.Token != "" {
		e.Need("PASSERELLE_PUBLIC_URL", e.PublicURL, "when PASSERELLE_KANNEL_TOKEN and PASSERELLE_KANNEL_SEND_URL are set (delivery reports come back there)")
		if e.PublicURL != "" {
			s.Callback, _ = smppgw.NewCallback(e.PublicURL, DLRPath, c.Token)
		}
	}
	p := &kannelProvider{cfg: c}
	if snd, err := NewSender(*s); err == nil {
		p.sender = snd
	}
	return p
}

// ConfigOf returns the configuration of a Kannel provider (for tests and
// start-up checks); ok is false for another provider.
func ConfigOf(p provider.Provider) (Config, bool) {
	k, ok := p.(*kannelProvider)
	if !ok {
		return Config{}, false
	}
	return k.cfg, true
}

func (p *kannelProvider) Name() string          { return Provider }
func (p *kannelProvider) Sender() sender.Sender { return p.sender }

// Routes are MORoute and DLRRoute behind the token, or none without one.
func (p *kannelProvider) Routes() []provider.Route {
	if p.cfg.Token == "" {
		return nil
	}
	auth := provider.QueryToken(p.cfg.Token)
	mo, dlr := MORoute(), DLRRoute()
	mo.Auth, dlr.Auth = auth, auth
	return []provider.Route{mo, dlr}
}

// Notices say which routes are on and whether reports are asked for.
func (p *kannelProvider) Notices() []provider.Notice {
	if p.cfg.Token != "" {
		return []provider.Notice{{Text: "kannel routes on " + MOPath + " and " + DLRPath + ", checking ?token=; " +
			"the sms-service must set max-messages = 0 (or omit-empty = true): Kannel sends an answer's body as an SMS"}}
	}
	n := []provider.Notice{{Text: "no PASSERELLE_KANNEL_TOKEN: the Kannel routes are off"}}
	if p.sender != nil {
		n = append(n, provider.Notice{Warn: true, Text: "messages sent through Kannel ask for no delivery report: set PASSERELLE_KANNEL_TOKEN to receive them"})
	}
	return n
}
