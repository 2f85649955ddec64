package hubtel

import (
	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/provider"
	"github.com/passerelle/passerelle/internal/sender"
)

// TokenEnv is the setting of the route's token.
const TokenEnv = "PASSERELLE_HUBTEL_TOKEN"

// Path is where the route is mounted.
const Path = "/ussd/hubtel"

// Factory builds the Hubtel provider: the USSD route POST /ussd/hubtel,
// on only once its token is set (there is no open mode: Hubtel's
// requests carry nothing else to check).
var Factory = provider.Factory{
	Name: Provider,
	Settings: []provider.Setting{
		{Env: TokenEnv, Flag: "hubtel-token", Secret: true, Usage: "token Hubtel's USSD service URL carries as ?token= (at least 16 characters); empty turns POST " + Path + " off"},
	},
	Load: load,
}

// hubtelProvider is the Hubtel USSD route, configured.
type hubtelProvider struct {
	token string
}

func load(e provider.Env) provider.Provider {
	t := provider.LoadToken(e, TokenEnv)
	if t == "" {
		return nil
	}
	return &hubtelProvider{token: t}
}

func (p *hubtelProvider) Name() string          { return Provider }
func (p *hubtelProvider) Sender() sender.Sender { return nil }

// Routes is the USSD route, checking the token.
func (p *hubtelProvider) Routes() []provider.Route {
	r := Route()
	r.Auth = provider.QueryToken(p.token)
	return []provider.Route{r}
}

// Notices say the route is on.
func (p *hubtelProvider) Notices() []provider.Notice {
	return []provider.Notice{{Text: "hubtel ussd route on at POST " + Path + ", checks ?token="}}
}

// Route is the USSD route without its token check. A hop that fails still
// gets 200 with the apology the reply holds, so the phone shows something.
func Route() provider.Route {
	return provider.Route{Methods: []string{"POST"}, Path: Path, Refuse: Refuse,
		Conversation: &provider.Conversation{
			Parse: func(r provider.Request) (msg.Inbound, error) { return ParseRequest(r.Body, r.Now) },
			Answer: func(in msg.Inbound, reply msg.Reply, _ error) provider.Response {
				return Answer(in, reply)
			},
		}}
}
