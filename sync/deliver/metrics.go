package deliver

import (
	"errors"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/sync/store"
)

type metrics struct {
	sent         *prometheus.CounterVec
	failed       *prometheus.CounterVec
	deferred     *prometheus.CounterVec
	pending      prometheus.Gauge
	openFindings *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_deliveries_sent_total",
			Help: "Deliveries Slack accepted (or that recovery found already posted), by kind.",
		}, []string{"kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_deliveries_failed_total",
			Help: "Deliveries given up on, by reason (Slack error code, or gave_up after transient errors).",
		}, []string{"reason"}),
		deferred: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_deliveries_deferred_total",
			Help: "Sends put off without counting an attempt, by reason (paced, ratelimited, transient).",
		}, []string{"reason"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "liaison_notifications_pending",
			Help: "Notifications waiting for their group, working hours or silence to end.",
		}),
		openFindings: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "liaison_findings_open",
			Help: "Open findings by rule and severity.",
		}, []string{"rule", "severity"}),
	}
	if reg == nil {
		return m, nil
	}
	m.sent = register(reg, m.sent)
	m.failed = register(reg, m.failed)
	m.deferred = register(reg, m.deferred)
	m.pending = register(reg, m.pending)
	m.openFindings = register(reg, m.openFindings)
	return m, nil
}

// register registers c, or returns the collector already registered under
// its name, so that a Deliverer rebuilt after a config reload or restart in
// the same process keeps counting into the same series.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

func (m *metrics) setOpen(counts []store.FindingCount) {
	m.openFindings.Reset()
	for _, c := range counts {
		m.openFindings.WithLabelValues(c.Rule, c.Severity).Set(float64(c.Count))
	}
}

// knownCodes are the Slack error codes used as failure reasons; anything
// else is "other", so that the metric's label set stays bounded.
func knownCodes() []string {
	return []string{
		"channel_not_found", "not_in_channel", "invalid_auth", "account_inactive", "token_revoked",
		"is_archived", "msg_too_long", "invalid_blocks", "missing_scope", "user_not_found",
		"cant_update_message", "message_not_found", "restricted_action", "no_permission",
	}
}

// reasonOf turns an error into a bounded metric label.
func reasonOf(err error) string {
	text := err.Error()
	for _, c := range knownCodes() {
		if strings.Contains(text, c) {
			return c
		}
	}
	return "other"
}
