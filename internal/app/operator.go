package app

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
	"github.com/passerelle/passerelle/internal/sender"
)

// operatorSend sends each message through the route its recipient's
// operator is given (PASSERELLE_OPERATOR_ROUTES), else through the chosen
// provider's, tells the outbox which route it used, and counts every send
// (in all, and by operator and route).
type operatorSend struct {
	a      *App
	def    routed
	routes map[string]routed
}

// routed is a provider's sender and its name.
type routed struct {
	s    sender.Sender
	name string
}

var _ outbox.RoutedSender = operatorSend{}

// newOperatorSend routes through def (the provider named route) and the
// configured operators' own routes.
func (a *App) newOperatorSend(def sender.Sender, route string) operatorSend {
	cfg := a.Config
	o := operatorSend{a: a, def: routed{def, route}, routes: map[string]routed{}}
	for op, name := range cfg.OperatorRoutes {
		if p, ok := cfg.Providers.Get(name); ok && p.Sender() != nil {
			o.routes[op] = routed{p.Sender(), name}
		}
	}
	return o
}

// Send sends m (outbox.Sender).
func (o operatorSend) Send(ctx context.Context, m msg.Outbound) (string, error) {
	_, id, err := o.SendVia(ctx, m)
	return id, err
}

// RouteOf names the route m will go through: its operator's, or the
// default.
func (o operatorSend) RouteOf(m msg.Outbound) string {
	_, r := o.route(m)
	return r.name
}

// route is m's operator and the route it goes through.
func (o operatorSend) route(m msg.Outbound) (string, routed) {
	op := o.a.Config.Operators.Of(m.To)
	r, ok := o.routes[op]
	if !ok {
		r = o.def
	}
	return op, r
}

// SendVia sends m and names the route it went through.
func (o operatorSend) SendVia(ctx context.Context, m msg.Outbound) (string, string, error) {
	op, r := o.route(m)
	res, err := r.s.Send(ctx, m)
	o.a.Metrics.SMS(err)
	o.a.Metrics.OperatorSMS(op, r.name, err)
	return r.name, res.ProviderID, err
}
