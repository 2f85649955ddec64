package smppgw

import (
	"net/http"
	"regexp"

	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/sender"
)

// Names are a gateway's names in settings, messages and routes.
type Names struct {
	// Label is its name in messages ("Jasmin"); Prefix starts its
	// settings ("PASSERELLE_JASMIN": _TOKEN, _SEND_URL, _USERNAME, …).
	Label, Prefix string
	// SendExample is a send URL shown when one is refused.
	SendExample string
	// DLRPath is the route of delivery reports, the callback's path;
	// Report is what the gateway calls one ("delivery receipt").
	DLRPath, Report string
	// Credential checks a username or password (it goes in a request);
	// CredentialWant says what it takes.
	Credential     *regexp.Regexp
	CredentialWant string
}

// Settings are the settings every gateway checks the same way, checked.
type Settings struct {
	// Token guards the routes; empty turns them off.
	Token string
	// URL, Username and Password send; all empty: the gateway sends
	// nothing (Sends is false).
	URL, Username, Password string
	From                    string
	Format                  provider.NumberFormat
	// Callback builds each message's delivery-report URL (zero without a
	// token or a public URL: no report asked for).
	Callback   Callback
	HTTPClient *http.Client
	// Off tells that none of the gateway's settings is given; Sends that
	// its send settings are (each then required).
	Off, Sends bool
}

// Load reads and checks the settings n names through e.
func Load(e provider.Env, n Names) Settings {
	s := Settings{Token: provider.LoadToken(e, n.Prefix+"_TOKEN"),
		URL: e.Get(n.Prefix + "_SEND_URL"), Username: e.Get(n.Prefix + "_USERNAME"), Password: e.Get(n.Prefix + "_PASSWORD"),
		HTTPClient: e.HTTPClient}
	if s.URL != "" && !provider.ValidSendURL(s.URL) {
		e.Bad(n.Prefix+"_SEND_URL", "want an absolute http(s) URL without credentials or fragment, such as %s", n.SendExample)
	}
	if s.Username != "" && !n.Credential.MatchString(s.Username) {
		e.Bad(n.Prefix+"_USERNAME", "want %s", n.CredentialWant)
	}
	if s.Password != "" && !n.Credential.MatchString(s.Password) {
		e.Bad(n.Prefix+"_PASSWORD", "want %s", n.CredentialWant)
	}
	s.From = provider.LoadSendingAddress(e, n.Prefix+"_FROM", "a short code, an E.164 number or a sender ID of at most 11 letters and digits")
	f, err := provider.ParseNumberFormat(e.Get(n.Prefix + "_NUMBER_FORMAT"))
	if err != nil {
		e.Bad(n.Prefix+"_NUMBER_FORMAT", "want e164, digits or 00")
	}
	s.Format = f
	s.Sends = s.URL != "" || s.Username != "" || s.Password != ""
	s.Off = s.Token == "" && !s.Sends
	if !s.Sends {
		return s
	}
	why := "to send through " + n.Label
	e.Need(n.Prefix+"_SEND_URL", s.URL, why)
	e.Need(n.Prefix+"_USERNAME", s.Username, why)
	e.Need(n.Prefix+"_PASSWORD", s.Password, why)
	if s.Token != "" {
		e.Need("PASSERELLE_PUBLIC_URL", e.PublicURL, "when "+n.Prefix+"_TOKEN and "+n.Prefix+"_SEND_URL are set ("+n.Report+"s come back there)")
		if e.PublicURL != "" {
			cb, err := NewCallback(e.PublicURL, n.DLRPath, s.Token)
			if err != nil {
				e.Bad(n.Prefix+"_TOKEN", "no delivery-report URL can be built with it and PASSERELLE_PUBLIC_URL")
			}
			s.Callback = cb
		}
	}
	return s
}

// Gateway is what a gateway provider does the same way as the others: its
// name, its sender, its two routes behind the token, its start-up notices.
// A provider package embeds it beside its own configuration.
type Gateway struct {
	Names Names
	// Provider is the name (provider.Provider.Name).
	Provider string
	Token    string
	// Send is the sender, or nil.
	Send sender.Sender
	// MO and DLR are the routes, without their token check.
	MO, DLR provider.Route
	// On is the notice when the routes are on.
	On string
}

// Name is the provider's name.
func (g *Gateway) Name() string { return g.Provider }

// Sender is its sender, or nil.
func (g *Gateway) Sender() sender.Sender { return g.Send }

// Routes are the MO and DLR routes behind the token, or none without one.
func (g *Gateway) Routes() []provider.Route {
	if g.Token == "" {
		return nil
	}
	auth := provider.QueryToken(g.Token)
	mo, dlr := g.MO, g.DLR
	mo.Auth, dlr.Auth = auth, auth
	return []provider.Route{mo, dlr}
}

// Notices say which routes are on, and warn when messages are sent with
// no report asked for.
func (g *Gateway) Notices() []provider.Notice {
	if g.Token != "" {
		return []provider.Notice{{Text: g.On}}
	}
	n := []provider.Notice{{Text: "no " + g.Names.Prefix + "_TOKEN: the " + g.Names.Label + " routes are off"}}
	if g.Send != nil {
		n = append(n, provider.Notice{Warn: true, Text: "messages sent through " + g.Names.Label + " ask for no " +
			g.Names.Report + ": set " + g.Names.Prefix + "_TOKEN to receive them"})
	}
	return n
}
