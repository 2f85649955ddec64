package kannel

import (
	"regexp"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
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
	smppgw.Gateway
	cfg Config
}

// names are Kannel's names in settings, messages and routes.
var names = smppgw.Names{Label: "Kannel", Prefix: "PASSERELLE_KANNEL", SendExample: "http://kannel:13013/cgi-bin/sendsms",
	DLRPath: DLRPath, Report: "delivery report",
	// A sendsms-user's username or password goes in a URL: spaces and
	// control characters are refused.
	Credential: regexp.MustCompile(`^[!-~]{1,64}$`), CredentialWant: "1 to 64 characters without spaces"}

var smscID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

func load(e provider.Env) provider.Provider {
	g := smppgw.Load(e, names)
	smsc := e.Get("PASSERELLE_KANNEL_SMSC")
	if smsc != "" && !smscID.MatchString(smsc) {
		e.Bad("PASSERELLE_KANNEL_SMSC", "want an smsc-id of 1 to 32 letters, digits or ._-")
	}
	if g.Off {
		return nil
	}
	c := Config{Token: g.Token, Send: SendConfig{URL: g.URL, Username: g.Username, Password: g.Password,
		From: g.From, SMSC: smsc, Format: g.Format, Callback: g.Callback, HTTPClient: g.HTTPClient}}
	p := &kannelProvider{cfg: c, Gateway: smppgw.Gateway{Names: names, Provider: Provider, Token: c.Token,
		MO: MORoute(), DLR: DLRRoute(), On: "kannel routes on " + MOPath + " and " + DLRPath + ", checking ?token=; " +
			"the sms-service must set max-messages = 0 (or omit-empty = true): Kannel sends an answer's body as an SMS"}}
	if g.Sends {
		if snd, err := NewSender(c.Send); err == nil {
			p.Send = snd
		} else {
			// The reason may hold the URL: it is not quoted.
			e.Bad("PASSERELLE_KANNEL_SEND_URL", "the sender cannot be built from these settings")
		}
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
