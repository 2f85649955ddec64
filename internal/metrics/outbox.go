package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/passerelle/passerelle/internal/msg"
	"github.com/passerelle/passerelle/internal/outbox"
)

// Outbox holds the outbox workers' collectors; it implements
// outbox.Observer. Get it from Metrics.Outbox.
type Outbox struct {
	depth    *prometheus.GaugeVec
	oldest   *prometheus.GaugeVec
	dead     *prometheus.GaugeVec
	sends    *prometheus.CounterVec
	settled  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	waited   *prometheus.HistogramVec
	unknowns *prometheus.CounterVec
}

var _ outbox.Observer = (*Outbox)(nil)

func newOutbox() *Outbox {
	lane := []string{"lane"}
	return &Outbox{
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "passerelle_outbox_queued", Help: "Messages accepted and not yet settled, by lane (read every few seconds).",
		}, lane),
		oldest: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "passerelle_outbox_oldest_seconds", Help: "Age of the oldest message not yet acknowledged, by lane.",
		}, lane),
		dead: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "passerelle_outbox_dead_letters", Help: "Dead letters waiting for staff, by lane.",
		}, lane),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_outbox_sends_total", Help: "Sends tried, by lane and outcome (sent, retry, dead, optout, invalid).",
		}, []string{"lane", "outcome"}),
		settled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_outbox_settled_total", Help: "Messages settled without a send, by lane and reason (optout, gone, done, unknown).",
		}, []string{"lane", "reason"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "passerelle_outbox_send_seconds", Help: "Provider call latency, by lane.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, lane),
		waited: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "passerelle_outbox_commit_to_provider_seconds", Help: "Time from a message's queueing to its handing to the provider, by lane.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 5, 30, 120, 600},
		}, lane),
		unknowns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "passerelle_outbox_unknown_total", Help: "Messages whose previous attempt's outcome was unknown (a worker died during the provider call), by lane and what was done (resent, reported).",
		}, []string{"lane", "action"}),
	}
}

func (o *Outbox) collectors() []prometheus.Collector {
	return []prometheus.Collector{o.depth, o.oldest, o.dead, o.sends, o.settled, o.latency, o.waited, o.unknowns}
}

// Sent counts a send by outcome and observes its latencies.
func (o *Outbox) Sent(lane msg.Lane, r outbox.Result, d, waited time.Duration) {
	o.sends.WithLabelValues(string(lane), string(r)).Inc()
	o.latency.WithLabelValues(string(lane)).Observe(d.Seconds())
	if r == outbox.Sent {
		o.waited.WithLabelValues(string(lane)).Observe(waited.Seconds())
	}
}

// Settled counts a message settled without a send, or an unknown outcome.
func (o *Outbox) Settled(lane msg.Lane, d outbox.Decision, unknown bool) {
	switch {
	case unknown && d == outbox.Send:
		o.unknowns.WithLabelValues(string(lane), "resent").Inc()
	case unknown:
		o.unknowns.WithLabelValues(string(lane), "reported").Inc()
		o.settled.WithLabelValues(string(lane), string(d)).Inc()
	default:
		o.settled.WithLabelValues(string(lane), string(d)).Inc()
	}
}

// Depth records where a lane stands.
func (o *Outbox) Depth(lane msg.Lane, s outbox.LaneStats) {
	o.depth.WithLabelValues(string(lane)).Set(float64(s.Queued))
	o.oldest.WithLabelValues(string(lane)).Set(s.OldestAge.Seconds())
	o.dead.WithLabelValues(string(lane)).Set(float64(s.Dead))
}
