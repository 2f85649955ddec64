// Package metrics exposes Passerelle's Prometheus metrics: hops by channel,
// flow and node, request latency by route, registrations, call-backs, SMS
// sent and failed, delivery states and store errors. Labels never carry a
// phone number, a name or an answer.
package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/passerelle/passerelle/internal/msg"
)

// Metrics holds the collectors. It is safe for concurrent use.
type Metrics struct {
	// Children of the hot vectors, looked up once per label set.
	mu       sync.RWMutex
	hopC     map[hopKey]prometheus.Counter
	requestC map[requestKey]prometheus.Observer

	reg        *prometheus.Registry
	hops       *prometheus.CounterVec
	actions    *prometheus.CounterVec
	failures   prometheus.Counter
	requests   *prometheus.HistogramVec
	sms        *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	outbox     *Outbox
	ops        operatorVecs
}

// New returns the metrics, registered with a registry of their own (plus the
// Go runtime and process collectors).
func New() *Metrics {
	m := &Metrics{
		hopC: map[hopKey]prometheus.Counter{}, requestC: map[requestKey]prometheus.Observer{},
		reg: prometheus.NewRegistry(),
		hops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_hops_total", Help: "Hops answered, by channel, flow and node shown.",
		}, []string{"channel", "flow", "node"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_actions_total", Help: "Flow actions carried out (save_registration, request_callback, send_sms, delete_data, opt_out, …) and flood refusals.",
		}, []string{"action"}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "passerelle_store_failures_total", Help: "Hops answered with an apology because the store failed.",
		}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "passerelle_request_seconds", Help: "HTTP request latency by route and status class.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "status"}),
		sms: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_sms_sent_total", Help: "Outbound SMS handed to the provider, by result (ok, error).",
		}, []string{"result"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_sms_delivery_total", Help: "Delivery reports by state (queued, sent, delivered, undelivered, failed).",
		}, []string{"state"}),
	}
	m.outbox = newOutbox()
	m.ops = newOperatorVecs()
	m.reg.MustRegister(m.ops.inbound, m.ops.sms)
	m.reg.MustRegister(m.hops, m.actions, m.failures, m.requests, m.sms, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(m.outbox.collectors()...)
	return m
}

// Outbox returns the outbox workers' observer.
func (m *Metrics) Outbox() *Outbox { return m.outbox }

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

type hopKey struct {
	ch   msg.Channel
	node string
}

type requestKey struct {
	route string
	class int
}

// Hop counts a hop answered on a channel, at a node ("flow:node").
func (m *Metrics) Hop(ch msg.Channel, node string) {
	k := hopKey{ch, node}
	m.mu.RLock()
	c, ok := m.hopC[k]
	m.mu.RUnlock()
	if !ok {
		flow, n, _ := strings.Cut(node, ":")
		c = m.hops.WithLabelValues(string(ch), flow, n)
		m.mu.Lock()
		m.hopC[k] = c
		m.mu.Unlock()
	}
	c.Inc()
}

// Action counts a flow action or a flood refusal.
func (m *Metrics) Action(name string) { m.actions.WithLabelValues(name).Inc() }

// Failed counts a hop lost to a store failure.
func (m *Metrics) Failed() { m.failures.Inc() }

// Request observes one HTTP request.
func (m *Metrics) Request(route string, status int, d time.Duration) {
	k := requestKey{route, status / 100}
	m.mu.RLock()
	o, ok := m.requestC[k]
	m.mu.RUnlock()
	if !ok {
		o = m.requests.WithLabelValues(route, strconv.Itoa(k.class)+"xx")
		m.mu.Lock()
		m.requestC[k] = o
		m.mu.Unlock()
	}
	o.Observe(d.Seconds())
}

// SMS counts an SMS handed to the provider, or refused.
func (m *Metrics) SMS(err error) {
	if err != nil {
		m.sms.WithLabelValues("error").Inc()
		return
	}
	m.sms.WithLabelValues("ok").Inc()
}

// Delivery counts a delivery report.
func (m *Metrics) Delivery(state msg.DeliveryState) {
	m.deliveries.WithLabelValues(string(state)).Inc()
}
