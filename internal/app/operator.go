package app

import (
	"context"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/sender"
)

// byOperator returns a sender that sends each message through the route
// its recipient's operator is given (PASSERELLE_OPERATOR_ROUTES), else
// through def (the route named route), and counts every send by operator.
func (a *App) byOperator(def sender.Sender, route string) sender.Sender {
	cfg := a.Config
	routes := map[string]routed{}
	for op, name := range cfg.OperatorRoutes {
		if p, ok := cfg.Providers.Get(name); ok && p.Sender() != nil {
			routes[op] = routed{p.Sender(), name}
		}
	}
	return sender.Func(func(ctx context.Context, m msg.Outbound) (sender.Result, error) {
		op := cfg.Operators.Of(m.To)
		r, ok := routes[op]
		if !ok {
			r = routed{def, route}
		}
		res, err := r.s.Send(ctx, m)
		a.Metrics.OperatorSMS(op, r.name, err)
		return res, err
	})
}

// routed is a provider's sender and its name.
type routed struct {
	s    sender.Sender
	name string
}
