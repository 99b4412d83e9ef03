package engine

import (
	"context"
	"fmt"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/store"
)

// RunDeadline evaluates the deadline rule over the stored tasks of every
// client's projects. When task changes are tracked (TrackTasks) and neither
// the config nor any client's date changed since the last full run, only
// the changed tasks are evaluated; a full run comes at least every
// DeadlineFullEvery.
//
// When the store stamps its task writes (store.TaskLog) and the reconciler
// is keyed, a full run reads neither the tasks nor the open findings: it
// judges the tasks kept in memory, brought up to date from the store's
// stamps, and renders and compares a finding only for a task whose verdict
// differs from the one its open finding, kept in memory, was recorded
// from. Runs are serialized.
func (e *Engine) RunDeadline(ctx context.Context) (err error) {
	e.deadline.run.Lock()
	defer e.deadline.run.Unlock()
	cfg := e.cfg()
	now := e.clock.Now()
	days := clientDays(cfg, now)
	keyed, _ := e.rec.(KeyedReconciler)
	changed, incremental := e.deadline.plan(cfg, days, now, keyed != nil)
	defer func() {
		if err != nil {
			e.deadline.retry(changed)
		}
	}()
	if incremental {
		if len(changed) == 0 {
			return nil
		}
		return e.runDeadlineTasks(ctx, keyed, cfg, changed, now)
	}
	if log, ok := e.st.(store.TaskLog); ok && keyed != nil {
		return e.runDeadlineCopy(ctx, keyed, log, cfg, days, now)
	}
	var projects []string
	for _, c := range cfg.Clients {
		projects = append(projects, c.JiraProjects...)
	}
	if len(projects) == 0 {
		return nil
	}
	tasks, err := e.st.ListTasks(ctx, store.TaskFilter{ProjectKeys: projects, OpenOnly: true})
	if err != nil {
		return fmt.Errorf("loading tasks: %w", err)
	}
	findings := deadline.Evaluate(DeadlineInput(cfg, tasks), now)
	res, err := e.rec.Reconcile(ctx, deadline.RuleName, clientIDs(cfg), findings, now)
	if err != nil {
		return fmt.Errorf("recording %d findings: %w", len(findings), err)
	}
	e.deadline.full(cfg, days, now, findings)
	e.log.Debug("rule evaluated", "rule", deadline.RuleName, "tasks", len(tasks), "findings", len(findings),
		"new", res.New, "resolved", res.Resolved, "planned", res.Planned, "unrouted", res.Unrouted)
	return nil
}

// DeadlineInput builds the deadline rule's input from the config in force.
func DeadlineInput(cfg *configs.Config, tasks []connectors.Task) deadline.Input {
	in := deadline.Input{
		Tasks:       tasks,
		Assignees:   assignees(cfg),
		JiraBaseURL: cfg.Connections.Jira.BaseURL,
	}
	for _, c := range cfg.Clients {
		in.Clients = append(in.Clients, deadline.Client{
			ID:         c.ID,
			Name:       c.Name,
			Location:   cfg.ClientLocation(c.ID),
			Projects:   c.JiraProjects,
			AM:         c.AccountManager,
			AMCalendar: cfg.Calendar(c.AccountManager),
			Config:     cfg.ClientRules(c.ID).Deadline,
		})
	}
	return in
}

// assignees maps Jira account ids to person ids.
func assignees(cfg *configs.Config) map[string]string {
	m := make(map[string]string, len(cfg.People))
	for _, p := range cfg.People {
		if p.JiraAccountID != "" {
			m[p.JiraAccountID] = p.ID
		}
	}
	return m
}
