package jobs

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of one attempt, used as the "outcome" label.
const (
	OutcomeSuccess   = "success"
	OutcomeError     = "error"
	OutcomePanic     = "panic"
	OutcomeTimeout   = "timeout"
	OutcomeCancelled = "cancelled"
)

type metrics struct {
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
	enqueued *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "liaison",
			Subsystem: "jobs",
			Name:      "runs_total",
			Help:      "Task attempts by task and outcome (success, error, panic, timeout, cancelled).",
		}, []string{"task", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "liaison",
			Subsystem: "jobs",
			Name:      "run_duration_seconds",
			Help:      "Duration of task attempts.",
			Buckets:   []float64{0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900},
		}, []string{"task"}),
		enqueued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "liaison",
			Subsystem: "jobs",
			Name:      "enqueued_total",
			Help:      "Runs enqueued on demand (RunNow) by task.",
		}, []string{"task"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.runs, m.duration, m.enqueued} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, fmt.Errorf("registering job metrics: one registry per engine: %w", err)
			}
			return nil, fmt.Errorf("registering job metrics: %w", err)
		}
	}
	return m, nil
}
