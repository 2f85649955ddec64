package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/passerelle/passerelle/internal/msg"
)

// operatorVecs count by mobile operator (msg.Operators), never by number.
type operatorVecs struct {
	inbound *prometheus.CounterVec
	sms     *prometheus.CounterVec
}

func newOperatorVecs() operatorVecs {
	return operatorVecs{
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_inbound_total", Help: "Inbound messages and USSD hops accepted, by channel and the sender's mobile operator.",
		}, []string{"channel", "operator"}),
		sms: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_sms_operator_total", Help: "Outbound SMS handed to a provider, by the recipient's mobile operator, the route and the result (ok, error).",
		}, []string{"operator", "route", "result"}),
	}
}

// Inbound counts an inbound message or hop by channel and operator.
func (m *Metrics) Inbound(ch msg.Channel, operator string) {
	m.ops.inbound.WithLabelValues(string(ch), operator).Inc()
}

// OperatorSMS counts an SMS to a recipient of operator handed to route.
func (m *Metrics) OperatorSMS(operator, route string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.ops.sms.WithLabelValues(operator, route, result).Inc()
}
