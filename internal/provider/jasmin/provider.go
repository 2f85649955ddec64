package jasmin

import (
	"regexp"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/provider/smppgw"
	"github.com/passerelle/passerelle/internal/sender"
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
	cfg    Config
	sender sender.Sender
}

// credential is a Jasmin username or password: its HTTP API takes 1 to 16
// characters; spaces and control characters are refused here.
var credential = regexp.MustCompile(`^[!-~]{1,16}$`)

func load(e provider.Env) provider.Provider {
	c := Config{Token: provider.LoadToken(e, "PASSERELLE_JASMIN_TOKEN")}
	s := &c.Send
	s.URL, s.Username, s.Password = e.Get("PASSERELLE_JASMIN_SEND_URL"), e.Get("PASSERELLE_JASMIN_USERNAME"), e.Get("PASSERELLE_JASMIN_PASSWORD")
	if s.URL != "" && !provider.ValidSendURL(s.URL) {
		e.Bad("PASSERELLE_JASMIN_SEND_URL", "want an absolute http(s) URL without credentials or fragment, such as http://jasmin:1401/send")
	}
	if s.Username != "" && !credential.MatchString(s.Username) {
		e.Bad("PASSERELLE_JASMIN_USERNAME", "want 1 to 16 characters without spaces")
	}
	if s.Password != "" && !credential.MatchString(s.Password) {
		e.Bad("PASSERELLE_JASMIN_PASSWORD", "want 1 to 16 characters without spaces (Jasmin's limit)")
	}
	s.From = provider.LoadSendingAddress(e, "PASSERELLE_JASMIN_FROM", "a short code, an E.164 number or a sender ID of at most 11 letters and digits")
	f, err := provider.ParseNumberFormat(e.Get("PASSERELLE_JASMIN_NUMBER_FORMAT"))
	if err != nil {
		e.Bad("PASSERELLE_JASMIN_NUMBER_FORMAT", "want e164, digits or 00")
	}
	s.Format, s.HTTPClient = f, e.HTTPClient
	if c.Token == "" && s.URL == "" && s.Username == "" && s.Password == "" {
		return nil
	}
	if s.URL == "" && s.Username == "" && s.Password == "" {
		return &jasminProvider{cfg: c}
	}
	const why = "to send through Jasmin"
	e.Need("PASSERELLE_JASMIN_SEND_URL", s.URL, why)
	e.Need("PASSERELLE_JASMIN_USERNAME", s.Username, why)
	e.Need("PASSERELLE_JASMIN_PASSWORD", s.Password, why)
	if c.Token != "" {
		e.Need("PASSERELLE_PUBLIC_URL", e.PublicURL, "when PASSERELLE_JASMIN_TOKEN and PASSERELLE_JASMIN_SEND_URL are set (delivery receipts come back there)")
		if e.PublicURL != "" {
			s.Callback, _ = smppgw.NewCallback(e.PublicURL, DLRPath, c.Token)
		}
	}
	p := &jasminProvider{cfg: c}
	if snd, err := NewSender(*s); err == nil {
		p.sender = snd
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

func (p *jasminProvider) Name() string          { return Provider }
func (p *jasminProvider) Sender() sender.Sender { return p.sender }

// Routes are MORoute and DLRRoute behind the token, or none without one.
func (p *jasminProvider) Routes() []provider.Route {
	if p.cfg.Token == "" {
		return nil
	}
	auth := provider.QueryToken(p.cfg.Token)
	mo, dlr := MORoute(), DLRRoute()
	mo.Auth, dlr.Auth = auth, auth
	return []provider.Route{mo, dlr}
}

// Notices say which routes are on and whether receipts are asked for.
func (p *jasminProvider) Notices() []provider.Notice {
	var n []provider.Notice
	if p.cfg.Token == "" {
		n = append(n, provider.Notice{Text: "no PASSERELLE_JASMIN_TOKEN: the Jasmin routes are off"})
		if p.sender != nil {
			n = append(n, provider.Notice{Warn: true, Text: "messages sent through Jasmin ask for no delivery receipt: set PASSERELLE_JASMIN_TOKEN to receive them"})
		}
	} else {
		n = append(n, provider.Notice{Text: "jasmin routes on " + MOPath + " and " + DLRPath + ", checking ?token="})
	}
	return n
}
