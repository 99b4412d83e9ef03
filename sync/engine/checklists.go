package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/rules/checklists"
	"github.com/liaisonhq/liaison/sync/crashpoint"
	"github.com/liaisonhq/liaison/sync/store"
)

// IssueEnsurer creates Jira issues exactly once; *jira.Client satisfies it.
// It may be called from several goroutines.
type IssueEnsurer interface {
	// EnsureIssue creates the issue unless one with spec.IdempotencyKey
	// exists and returns its key; created reports whether this call created
	// it. An empty key with no error means nothing was written (dry run).
	EnsureIssue(ctx context.Context, spec jira.IssueSpec) (key string, created bool, err error)
}

// checklistIssueType is the issue type of checklist tasks, which every Jira
// Cloud software and business project has.
const checklistIssueType = "Task"

// Checklists creates the clients' checklist tasks when their schedule says
// so. It is safe for concurrent use; concurrent runs (or replicas) may both
// ask Jira, which finds the issue by its idempotency key.
type Checklists struct {
	e *Engine
	w IssueEnsurer
}

// NewChecklists returns the checklist runner of e writing through w. A nil
// w (also a nil *jira.Client: Jira is not configured) makes runs a logged
// no-op.
func NewChecklists(e *Engine, w IssueEnsurer) *Checklists {
	if w != nil {
		if v := reflect.ValueOf(w); v.Kind() == reflect.Pointer && v.IsNil() {
			w = nil
		}
	}
	return &Checklists{e: e, w: w}
}

// checklistRunState is what the store remembers of a run (report state,
// keyed by the run's idempotency key).
type checklistRunState struct {
	Issue string `json:"issue"`
}

// RunChecklists creates every due checklist task that the store does not
// already know about. The store only spares Jira a search; correctness
// comes from the idempotency key, so a run lost between Jira and the store
// finds its issue again. One failing task does not stop the others.
func (c *Checklists) RunChecklists(ctx context.Context) error {
	cfg := c.e.cfg()
	now := c.e.clock.Now()
	runs, skipped := checklists.Due(ChecklistsInput(cfg), now)
	for _, s := range skipped {
		c.e.log.Debug("checklist not created", "client", s.ClientID, "list", s.List, "why", s.Reason)
	}
	if len(runs) == 0 {
		return nil
	}
	if c.w == nil {
		c.e.log.Info("checklists not created: jira is not configured", "due", len(runs))
		return nil
	}
	var errs []error
	created := 0
	for _, r := range runs {
		if _, err := c.e.st.GetReportState(ctx, r.IdempotencyKey); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("checklist %s: loading state: %w", r.IdempotencyKey, err))
			continue
		}
		crashpoint.At(crashpoint.JiraChecklist, crashpoint.BeforeCreate, r.IdempotencyKey)
		key, isNew, err := c.w.EnsureIssue(ctx, jira.IssueSpec{Project: r.Project, IssueType: checklistIssueType,
			Summary: r.Summary, Description: r.Description, Labels: r.Labels, DueDate: r.DueDate,
			AssigneeAccountID: r.AssigneeAccount, IdempotencyKey: r.IdempotencyKey})
		if err != nil {
			errs = append(errs, fmt.Errorf("checklist %s: creating the jira task: %w", r.IdempotencyKey, err))
			continue
		}
		if key == "" {
			continue // dry run: nothing written, nothing to remember
		}
		if isNew {
			created++
		}
		crashpoint.At(crashpoint.JiraChecklist, crashpoint.AfterCreate, r.IdempotencyKey)
		data, _ := json.Marshal(checklistRunState{Issue: key})
		if _, err := c.e.st.PutReportState(ctx, store.ReportState{Key: r.IdempotencyKey, Hash: key, Data: data}); err != nil {
			errs = append(errs, fmt.Errorf("checklist %s: remembering %s: %w", r.IdempotencyKey, key, err))
		}
		crashpoint.At(crashpoint.JiraChecklist, crashpoint.AfterStore, r.IdempotencyKey)
		c.e.log.Debug("checklist task ensured", "run", r.IdempotencyKey, "issue", key, "created", isNew, "assignee", r.Assignee)
	}
	if created > 0 {
		c.e.log.Info("checklist tasks created", "count", created)
	}
	return errors.Join(errs...)
}

// ChecklistsInput builds the checklists rule's input from the config in
// force, with each client's effective settings (its skip list included).
func ChecklistsInput(cfg *configs.Config) checklists.Input {
	var finance *checklists.Assignee
	var nFinance int
	for i := range cfg.People {
		if cfg.People[i].Role == connectors.RoleFinance {
			nFinance++
			finance = checklistAssignee(cfg, cfg.People[i].ID)
		}
	}
	if nFinance != 1 {
		finance = nil
	}
	var in checklists.Input
	for _, c := range cfg.Clients {
		rc := cfg.ClientRules(c.ID)
		if rc == nil || !rc.Checklists.Enabled || len(rc.Checklists.Lists) == 0 {
			continue
		}
		cc := checklists.Client{ID: c.ID, Name: c.Name, Location: cfg.ClientLocation(c.ID), StartDate: c.StartDate,
			Projects: c.JiraProjects, AM: checklistAssignee(cfg, c.AccountManager), Head: checklistAssignee(cfg, c.Head),
			Finance: finance, Config: rc.Checklists}
		for _, s := range c.Specialists {
			if a := checklistAssignee(cfg, s); a != nil {
				cc.Specialists = append(cc.Specialists, *a)
			}
		}
		in.Clients = append(in.Clients, cc)
	}
	return in
}

func checklistAssignee(cfg *configs.Config, id string) *checklists.Assignee {
	p := cfg.Person(strings.TrimSpace(id))
	if p == nil {
		return nil
	}
	return &checklists.Assignee{ID: p.ID, Name: p.Name, JiraAccountID: p.JiraAccountID, Specialty: p.Specialty,
		Calendar: cfg.Calendar(p.ID)}
}
