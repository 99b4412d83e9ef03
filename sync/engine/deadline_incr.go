package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// DeadlineFullEvery is how often the deadline rule is evaluated over every
// task even when no change was reported: a safety net for changes made by
// another replica on a shared database, which this process never hears of.
const DeadlineFullEvery = 15 * time.Minute

// KeyedReconciler is a Reconciler that can also reconcile a few subjects
// at a time (deliver.Deliverer.ReconcileKeys). An engine whose reconciler
// is one evaluates only the tasks that changed between full runs.
type KeyedReconciler interface {
	ReconcileKeys(ctx context.Context, rule string, findings []rules.Finding, resolve []string, now time.Time) (deliver.ReconcileResult, error)
}

// deadlineState is what the deadline rule remembers between runs to
// evaluate only what changed: the findings each task produced, and the
// tasks stored or deleted since. Findings of a task depend only on the
// task, the config and the date in each client's zone, so as long as
// neither config nor dates moved, an unchanged task's findings are what
// they were.
type deadlineState struct {
	run      sync.Mutex // held for a whole run: runs are serialized
	mu       sync.Mutex
	tracking bool                // every task change is reported through TasksChanged
	dirty    map[string]struct{} // task keys changed since they were last evaluated
	cfg      *configs.Config     // config of the last full run; nil before any
	days     string              // the clients' dates at the last full run
	fullAt   time.Time
	// byTask is, after a full run from the store, each task's keys of the
	// open findings it produced (with former keys); open.byTask replaces
	// it while open is set.
	byTask map[string][]string
	// open is the open findings kept between full runs run from the copy
	// of the tasks (deadline_copy.go); nil otherwise.
	open *findingCopy
}

func newDeadlineState() *deadlineState {
	return &deadlineState{dirty: map[string]struct{}{}, byTask: map[string][]string{}}
}

// TrackTasks tells the engine that, from now on, every task stored or
// marked deleted is reported through TasksChanged, so the deadline rule may
// evaluate only those between full runs. Without it every run is full.
func (e *Engine) TrackTasks() {
	e.deadline.mu.Lock()
	e.deadline.tracking = true
	e.deadline.mu.Unlock()
}

// TasksChanged reports tasks stored, changed or marked deleted: the next
// deadline run evaluates them again.
func (e *Engine) TasksChanged(keys []string) {
	s := e.deadline
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.dirty[k] = struct{}{}
	}
}

// clientDays is the date in every client's zone: when one turns, tasks
// become due or overdue without changing, and every task is looked at.
func clientDays(cfg *configs.Config, now time.Time) string {
	seen := map[*time.Location]bool{}
	var days []string
	for _, c := range cfg.Clients {
		loc := cfg.ClientLocation(c.ID)
		if seen[loc] {
			continue
		}
		seen[loc] = true
		days = append(days, now.In(loc).Format(time.DateOnly))
	}
	sort.Strings(days)
	return strings.Join(days, ",")
}

// DeadlineIncrementalMax is the most changed tasks a run evaluates on
// their own; more make a full run. A pull that changed most tasks (the
// first one, a bulk edit in Jira) would otherwise have each read from the
// store and judged with all its findings held at once (46 MB at 125,000
// open tasks), where a full run judges the tasks in memory and records a
// batch at a time.
const DeadlineIncrementalMax = 2000

// dirtyKeep is the most changed tasks whose room the map of changed tasks
// keeps for the next run; a larger map is dropped once its keys are taken.
const dirtyKeep = 4096

// plan decides the kind of the next run. It returns the task keys to
// evaluate and true for an incremental run, or false for a full one; in
// both cases the changes reported so far are taken.
func (s *deadlineState) plan(cfg *configs.Config, days string, now time.Time, keyed bool) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.dirty))
	for k := range s.dirty {
		keys = append(keys, k)
	}
	if len(keys) > dirtyKeep {
		// A cleared map keeps its room: after a backfill that changed
		// every task it would hold 200,000 slots for a few dozen keys.
		s.dirty = map[string]struct{}{}
	} else {
		clear(s.dirty)
	}
	incremental := keyed && s.tracking && s.cfg == cfg && s.days == days && now.Sub(s.fullAt) < DeadlineFullEvery &&
		len(keys) <= DeadlineIncrementalMax
	sort.Strings(keys)
	return keys, incremental
}

// retry puts back task keys a failed run did not evaluate.
func (s *deadlineState) retry(keys []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.dirty[k] = struct{}{}
	}
}

// keysOf maps each task to the keys its findings are, or were, stored
// under: a finding continued under a former kind's key keeps that key.
func keysOf(findings []rules.Finding) map[string][]string {
	out := map[string][]string{}
	for _, f := range findings {
		ks := append(out[f.Subject.ID], f.Key)
		for _, kind := range f.FormerKinds {
			ks = append(ks, rules.Key(f.Rule, f.ClientID, f.Subject, kind))
		}
		out[f.Subject.ID] = ks
	}
	return out
}

// full records a full run's findings as the new baseline.
func (s *deadlineState) full(cfg *configs.Config, days string, now time.Time, findings []rules.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg, s.days, s.fullAt, s.byTask, s.open = cfg, days, now, keysOf(findings), nil
}

// runDeadlineTasks evaluates the deadline rule over the tasks in keys
// alone: their findings are recorded and those they no longer produce are
// resolved, in one transaction.
func (e *Engine) runDeadlineTasks(ctx context.Context, rec KeyedReconciler, cfg *configs.Config, keys []string, now time.Time) error {
	tasks := make([]connectors.Task, 0, len(keys))
	for _, k := range keys {
		t, err := e.st.GetTask(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("loading task %s: %w", k, err)
		}
		if t.Open() {
			tasks = append(tasks, t)
		}
	}
	// Only the clients owning the changed tasks' projects are needed; the
	// others would cost the evaluation their calendars for nothing.
	projects := make(map[string]bool, len(tasks))
	for _, t := range tasks {
		projects[t.ProjectKey] = true
	}
	in := DeadlineInput(cfg, tasks)
	in.Clients = slices.DeleteFunc(in.Clients, func(c deadline.Client) bool {
		return !slices.ContainsFunc(c.Projects, func(p string) bool { return projects[p] })
	})
	findings := deadline.Evaluate(in, now)
	fresh := keysOf(findings)
	s := e.deadline
	s.mu.Lock()
	var resolve []string
	for _, k := range keys {
		if s.open != nil {
			resolve = append(resolve, s.open.keysOfTask(k)...)
		} else {
			resolve = append(resolve, s.byTask[k]...)
		}
	}
	s.mu.Unlock()
	res, err := rec.ReconcileKeys(ctx, deadline.RuleName, findings, resolve, now)
	if err != nil {
		s.open = nil // rebuilt from the store at the next full run
		return fmt.Errorf("recording %d findings of %d changed tasks: %w", len(findings), len(keys), err)
	}
	if s.open != nil {
		s.recorded(findings, resolve, nil)
		e.log.Debug("rule evaluated", "rule", deadline.RuleName, "changed_tasks", len(keys), "findings", len(findings),
			"new", res.New, "resolved", res.Resolved, "planned", res.Planned)
		return nil
	}
	s.mu.Lock()
	for _, k := range keys {
		if ks := fresh[k]; len(ks) > 0 {
			s.byTask[k] = ks
		} else {
			delete(s.byTask, k)
		}
	}
	s.mu.Unlock()
	e.log.Debug("rule evaluated", "rule", deadline.RuleName, "changed_tasks", len(keys), "findings", len(findings),
		"new", res.New, "resolved", res.Resolved, "planned", res.Planned)
	return nil
}
