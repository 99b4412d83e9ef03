package jira

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the connector's Prometheus collectors. One set per Client; a
// Syncer reports through its Client's set.
type metrics struct {
	requests         *prometheus.CounterVec
	issuesSynced     *prometheus.CounterVec
	worklogsSynced   *prometheus.CounterVec
	tasksDeleted     prometheus.Counter
	unknownAssignees prometheus.Counter
	cursorLag        *prometheus.GaugeVec
	dryRunWrites     prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "requests_total",
			Help: "Jira API requests by endpoint (method and route) and final HTTP status (\"error\" when no answer came).",
		}, []string{"endpoint", "status"}),
		issuesSynced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "issues_synced_total",
			Help: "Issues returned by incremental searches, by result: changed (stored) or unchanged (already up to date).",
		}, []string{"result"}),
		worklogsSynced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "worklogs_synced_total",
			Help: "Worklogs by result: stored, skipped (issue outside the clients' projects) or deleted.",
		}, []string{"result"}),
		tasksDeleted: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "tasks_marked_deleted_total",
			Help: "Stored tasks retired because their issue was deleted or moved to another project (found by the incremental pull or the reconciliation pass).",
		}),
		unknownAssignees: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "unknown_assignees_total",
			Help: "Distinct Jira account ids assigned to issues but not mapped to any configured person.",
		}),
		cursorLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "cursor_lag_seconds",
			Help: "How far behind now each incremental cursor stands after the last pass (issues: oldest project).",
		}, []string{"source"}),
		dryRunWrites: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "liaison", Subsystem: "jira", Name: "dry_run_writes_total",
			Help: "Writes that dry-run mode logged instead of sending.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.issuesSynced, m.worklogsSynced, m.tasksDeleted,
		m.unknownAssignees, m.cursorLag, m.dryRunWrites} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, fmt.Errorf("registering jira metrics: one registry per client: %w", err)
			}
			return nil, fmt.Errorf("registering jira metrics: %w", err)
		}
	}
	return m, nil
}
