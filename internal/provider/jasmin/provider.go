package jasmin

import (
	"regexp"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
)

// Factory builds the Jasmin provider: inbound messages and delivery
// receipts posted by Jasmin (/sms/jasmin, /sms/jasmin/dlr; on with
// PASSERELLE_JASMIN_TOKEN) and the sender through Jasmin's HTTP API (with
// a send URL, username and password).
var Factory = provider.Factory{
	Name:  Provider,
	Sends: true,
	Settings: []provider.Setting{
		{Env: "PASSERELLE_JASMIN_TOKEN", Flag: "jasmin-token", Secret: true, Usage: "token Jasmin's MO connector URL and delivery-receipt URLs carry as ?token= (at least 16 characters); empty turns /sms/jasmin and /sms/jasmin/dlr off (and asks for no receipts)"},
		{Env: "PASSERELLE_JASMIN_SEND_URL", Flag: "jasmin-send-url", Usage: "Jasmin's HTTP send endpoint, such as http://jasmin:1401/send; empty: nothing is sent through Jasmin"},
		{Env: "PASSERELLE_JASMIN_USERNAME", Flag: "jasmin-username", Usage: "Jasmin user the messages are sent as (1 to 16 characters)"},
		{Env: "PASSERELLE_JASMIN_PASSWORD", Flag: "jasmin-password", Secret: true, Usage: "that Jasmin user's password (1 to 16 characters)"},
		{Env: "PASSERELLE_JASMIN_FROM", Flag: "jasmin-from", Usage: "sender address: a short code, an E.164 number or a sender ID of at most 11 letters and digits; empty: the Jasmin user's default"},
		{Env: "PASSERELLE_JASMIN_NUMBER_FORMAT", Flag: "jasmin-number-format", Default: "e164", Usage: "how numbers are written to Jasmin: e164 (+237…), digits (237…) or 00 (00237…)"},
	},
	Load: load,
}

// Config is the Jasmin configuration, checked.
type Config struct {
	// Token guards the routes; empty turns them off.
	Token string
	// Send configures the sender; Send.URL empty: no sender.
	Send SendConfig
}

type jasminProvider struct {
	smppgw.Gateway
	cfg Config
}

// names are Jasmin's names in settings, messages and routes.
var names = smppgw.Names{Label: "Jasmin", Prefix: "PASSERELLE_JASMIN", SendExample: "http://jasmin:1401/send",
	DLRPath: DLRPath, Report: "delivery receipt",
	// Its HTTP API takes 1 to 16 characters; spaces and control
	// characters are refused here.
	Credential: regexp.MustCompile(`^[!-~]{1,16}$`), CredentialWant: "1 to 16 characters without spaces (Jasmin's limit)"}

func load(e provider.Env) provider.Provider {
	g := smppgw.Load(e, names)
	if g.Off {
		return nil
	}
	c := Config{Token: g.Token, Send: SendConfig{URL: g.URL, Username: g.Username, Password: g.Password,
		From: g.From, Format: g.Format, Callback: g.Callback, HTTPClient: g.HTTPClient}}
	p := &jasminProvider{cfg: c, Gateway: smppgw.Gateway{Names: names, Provider: Provider, Token: c.Token,
		MO: MORoute(), DLR: DLRRoute(), On: "jasmin routes on " + MOPath + " and " + DLRPath + ", checking ?token="}}
	if g.Sends {
		if snd, err := NewSender(c.Send); err == nil {
			p.Send = snd
		} else {
			// The reason may hold the URL: it is not quoted.
			e.Bad("PASSERELLE_JASMIN_SEND_URL", "the sender cannot be built from these settings")
		}
	}
	return p
}

// ConfigOf returns the configuration of a Jasmin provider (for tests and
// start-up checks); ok is false for another provider.
func ConfigOf(p provider.Provider) (Config, bool) {
	j, ok := p.(*jasminProvider)
	if !ok {
		return Config{}, false
	}
	return j.cfg, true
}
