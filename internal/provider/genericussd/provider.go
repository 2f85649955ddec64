package genericussd

import (
	"strings"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/sender"
)

// genericProvider is the generic USSD route, configured.
type genericProvider struct {
	cfg Config
}

// ConfigOf returns the configuration of a generic USSD provider (for tests
// and start-up checks); ok is false for another provider.
func ConfigOf(p provider.Provider) (Config, bool) {
	g, ok := p.(*genericProvider)
	if !ok {
		return Config{}, false
	}
	return g.cfg, true
}

func (p *genericProvider) Name() string          { return Provider }
func (p *genericProvider) Sender() sender.Sender { return nil }

// Routes is the route, checking the token.
func (p *genericProvider) Routes() []provider.Route {
	r := Route(p.cfg)
	r.Auth = provider.QueryToken(p.cfg.Token)
	return []provider.Route{r}
}

// Notices say the route is on and how it reads requests.
func (p *genericProvider) Notices() []provider.Notice {
	c := p.cfg
	return []provider.Notice{{Text: "generic ussd route on at " + strings.Join(c.Methods, ",") + " " + Path +
		" (" + string(c.Encoding) + " fields, " + string(c.Input) + " input, " + string(c.Answer) + " answer), checks ?token="}}
}

// Route is the route c describes, without its token check. A hop that
// fails still gets 200 with the apology the reply holds, so the phone
// shows something.
func Route(c Config) provider.Route {
	return provider.Route{Methods: c.Methods, Path: Path, Refuse: c.Refuse,
		Conversation: &provider.Conversation{
			Parse:  c.Parse,
			Answer: func(_ msg.Inbound, reply msg.Reply, _ error) provider.Response { return c.Format(reply) },
		}}
}
