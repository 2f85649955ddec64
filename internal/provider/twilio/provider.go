package twilio

import (
	"net/url"
	"regexp"
	"strconv"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/sender"
)

// Factory builds the Twilio provider: the inbound SMS webhook and its
// delivery reports (/sms/twilio, /sms/twilio/status; on with the auth
// token, or with the signature check explicitly off) and the SMS sender
// (with an account SID).
var Factory = provider.Factory{
	Name:  Provider,
	Sends: true,
	Settings: []provider.Setting{
		{Env: "PASSERELLE_TWILIO_ACCOUNT_SID", Flag: "twilio-account-sid", Usage: "Twilio account SID (AC…)"},
		{Env: "PASSERELLE_TWILIO_AUTH_TOKEN", Flag: "twilio-auth-token", Secret: true, Usage: "Twilio auth token; signs webhooks; empty turns the Twilio routes off"},
		{Env: "PASSERELLE_TWILIO_FROM", Flag: "twilio-from", Usage: "Twilio sending number (E.164) or sender ID; or use the messaging service"},
		{Env: "PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", Flag: "twilio-messaging-service-sid", Usage: "Twilio messaging service SID (MG…), instead of a sending number"},
		{Env: "PASSERELLE_TWILIO_SKIP_SIGNATURE", Flag: "twilio-skip-signature", Default: "false", Usage: "true turns the X-Twilio-Signature check OFF (local tests only: anyone can then post as anyone); refused with a Redis URL unless PASSERELLE_TEST_SYSTEM=true"},
		{Env: "PASSERELLE_TWILIO_API_URL", Flag: "twilio-api-url", Usage: "base URL of Twilio's REST API (scheme, host and optional path prefix; a proxy or a test double); empty: https://api.twilio.com"},
	},
	Load: load,
}

// Config is the Twilio configuration, checked.
type Config struct {
	// AuthToken checks webhook signatures (and authenticates sends).
	AuthToken string
	// SkipSignature turns the signature check off (tests only).
	SkipSignature bool
	// PublicURL is what signatures are checked against.
	PublicURL string
	// Send configures the sender; Send.AccountSID empty: no sender.
	Send SendConfig
}

type twilioProvider struct {
	cfg    Config
	sender sender.Sender
}

var (
	accountSID = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	authToken  = regexp.MustCompile(`^[A-Za-z0-9]{16,}$`)
	serviceSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
)

func load(e provider.Env) provider.Provider {
	c := Config{AuthToken: e.Get("PASSERELLE_TWILIO_AUTH_TOKEN"), PublicURL: e.PublicURL}
	s := &c.Send
	s.AccountSID, s.AuthToken = e.Get("PASSERELLE_TWILIO_ACCOUNT_SID"), c.AuthToken
	s.MessagingServiceSID = e.Get("PASSERELLE_TWILIO_MESSAGING_SERVICE_SID")
	skip, err := strconv.ParseBool(e.Get("PASSERELLE_TWILIO_SKIP_SIGNATURE"))
	if err != nil {
		e.Bad("PASSERELLE_TWILIO_SKIP_SIGNATURE", "want true or false")
	}
	c.SkipSignature = skip
	if skip && e.Production && !e.TestSystem {
		e.Bad("PASSERELLE_TWILIO_SKIP_SIGNATURE", "refused when PASSERELLE_REDIS_URL is set: without the signature check anyone can post "+
			"as any phone number and forge delivery reports (set PASSERELLE_TEST_SYSTEM=true only on a test system)")
	}
	if s.AccountSID != "" && !accountSID.MatchString(s.AccountSID) {
		e.Bad("PASSERELLE_TWILIO_ACCOUNT_SID", "want AC followed by 32 hexadecimal digits")
	}
	// twilio-go refuses a token with other characters before sending
	// (error 21224), which would turn every SMS into a dead letter.
	if c.AuthToken != "" && !authToken.MatchString(c.AuthToken) {
		e.Bad("PASSERELLE_TWILIO_AUTH_TOKEN", "must be at least 16 letters and digits (Twilio's tokens are 32 hexadecimal digits)")
	}
	if c.AuthToken != "" && !skip && e.PublicURL == "" {
		e.Bad("PASSERELLE_PUBLIC_URL", "required when PASSERELLE_TWILIO_AUTH_TOKEN is set: Twilio's signatures are checked against it")
	}
	s.From = provider.LoadSendingAddress(e, "PASSERELLE_TWILIO_FROM", "an E.164 number or a sender ID of at most 11 letters and digits")
	if s.MessagingServiceSID != "" && !serviceSID.MatchString(s.MessagingServiceSID) {
		e.Bad("PASSERELLE_TWILIO_MESSAGING_SERVICE_SID", "want MG followed by 32 hexadecimal digits")
	}
	if s.From != "" && s.MessagingServiceSID != "" {
		e.Bad("PASSERELLE_TWILIO_FROM", "set only one of PASSERELLE_TWILIO_FROM and PASSERELLE_TWILIO_MESSAGING_SERVICE_SID")
	}
	s.BaseURL = provider.LoadAPIURL(e, "PASSERELLE_TWILIO_API_URL", "", "https://api.twilio.com")
	s.HTTPClient = e.HTTPClient
	if e.SMSProvider == Provider {
		e.Need("PASSERELLE_TWILIO_ACCOUNT_SID", s.AccountSID, "when PASSERELLE_SMS_PROVIDER is twilio")
	}
	if s.AccountSID == "" && c.AuthToken == "" && !skip {
		return nil
	}
	p := &twilioProvider{cfg: c}
	if s.AccountSID == "" {
		return p
	}
	// It sends: delivery reports come back to the public URL.
	const why = "when PASSERELLE_TWILIO_ACCOUNT_SID is set"
	e.Need("PASSERELLE_TWILIO_AUTH_TOKEN", c.AuthToken, why)
	e.Need("PASSERELLE_PUBLIC_URL", e.PublicURL, why+" (delivery reports come back there)")
	if s.From == "" && s.MessagingServiceSID == "" {
		e.Bad("PASSERELLE_TWILIO_FROM", "set it or PASSERELLE_TWILIO_MESSAGING_SERVICE_SID "+why)
	}
	if e.PublicURL != "" {
		s.StatusCallback = e.PublicURL + "/sms/twilio/status"
	}
	snd, err := NewSender(*s)
	if err != nil {
		e.Bad("PASSERELLE_TWILIO_ACCOUNT_SID", "the sender cannot be built from these settings")
		return p
	}
	p.sender = snd
	return p
}

// ConfigOf returns the configuration of a Twilio provider (for tests and
// start-up checks); ok is false for another provider.
func ConfigOf(p provider.Provider) (Config, bool) {
	t, ok := p.(*twilioProvider)
	if !ok {
		return Config{}, false
	}
	return t.cfg, true
}

func (p *twilioProvider) Name() string             { return Provider }
func (p *twilioProvider) Sender() sender.Sender    { return p.sender }
func (p *twilioProvider) Routes() []provider.Route { return Routes(p.cfg) }

// Notices warn loudly when signatures are not checked.
func (p *twilioProvider) Notices() []provider.Notice {
	switch {
	case p.cfg.SkipSignature:
		return []provider.Notice{{Warn: true, Text: "PASSERELLE_TWILIO_SKIP_SIGNATURE=true: TWILIO WEBHOOK SIGNATURES ARE NOT CHECKED; " +
			"anyone can post messages as any phone number and forge delivery reports. Never run this in production."}}
	case p.cfg.AuthToken == "":
		return []provider.Notice{{Text: "no PASSERELLE_TWILIO_AUTH_TOKEN: the Twilio SMS routes are off"}}
	}
	return []provider.Notice{{Text: "twilio sms routes on, signatures checked against PASSERELLE_PUBLIC_URL"}}
}

// Routes are Twilio's webhooks for c: /sms/twilio and /sms/twilio/status,
// or none when neither the auth token nor SkipSignature is set. Their
// X-Twilio-Signature is checked with the auth token against PublicURL plus
// the request's path and query, never against request headers; without a
// usable public URL every request is refused (403).
func Routes(c Config) []provider.Route {
	if c.AuthToken == "" && !c.SkipSignature {
		return nil
	}
	f := forms{skip: c.SkipSignature}
	if !c.SkipSignature {
		f.v, _ = NewVerifier(c.AuthToken, c.PublicURL) // nil: every request refused
	}
	return []provider.Route{
		{Methods: []string{"POST"}, Path: "/sms/twilio", Headers: []string{SignatureHeader}, Conversation: &provider.Conversation{
			Parse: func(r provider.Request) (msg.Inbound, error) {
				form, err := f.form(r)
				if err != nil {
					return msg.Inbound{}, err
				}
				return ParseSMS(form, r.Now)
			},
			// The reply's messages, inline, as TwiML; a store failure
			// still gets the apology.
			Answer: func(_ msg.Inbound, reply msg.Reply, _ error) provider.Response {
				return provider.Response{ContentType: ContentType, Body: FormatTwiML(reply)}
			},
		}},
		// Delivery reports, signed like the inbound webhook. Our message
		// id is the "mid" query parameter the sender adds to the callback
		// URL. Error 21610 (the person replied STOP) marks the recipient
		// opted out.
		{Methods: []string{"POST"}, Path: "/sms/twilio/status", Headers: []string{SignatureHeader}, Delivery: &provider.Delivery{
			Parse: func(r provider.Request) (provider.Report, error) {
				form, err := f.form(r)
				if err != nil {
					return provider.Report{}, err
				}
				return ParseStatus(form, r.Query.Get("mid"), r.Now)
			},
		}},
	}
}

// forms decodes Twilio's webhook forms and checks their signatures.
type forms struct {
	v    *Verifier
	skip bool
}

// form decodes a webhook's form and checks its signature against the
// public URL and the request's path and raw query, over every form
// parameter. It refuses with a *channel.Error: 403 for a missing or wrong
// signature (also when the body cannot be decoded, and so cannot be
// checked), 400 for a malformed body when checking is off.
func (f forms) form(r provider.Request) (url.Values, error) {
	form, err := ParseForm(r.Body)
	if !f.skip && (err != nil || f.v == nil || !f.v.Verify(r.Path, r.RawQuery, form, r.Header.Get(SignatureHeader))) {
		return nil, provider.ErrBadSignature
	}
	return form, err
}
