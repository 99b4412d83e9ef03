// Package engine runs the agency's rules over the synced state: it builds
// each rule's input from the config in force and the store, calls the rule
// (a pure function of input and now), and hands the findings to delivery,
// which records them and what must be sent in one transaction.
//
// The engine reads the clock once per run and passes that instant down, so a
// run is reproducible from (state, config, now).
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// Reconciler records rules' findings with delivery: for state-based rules
// (Reconcile) new ones are enqueued and open ones of that rule (within
// scope) that the rule no longer emits are resolved; event-driven rules
// (Record) add findings and replies only. sync/deliver implements it.
type Reconciler interface {
	Reconcile(ctx context.Context, rule string, scope []string, findings []rules.Finding, now time.Time) (deliver.ReconcileResult, error)
	// Record records an event's findings and replies without resolving
	// anything else.
	Record(ctx context.Context, rule string, findings []rules.Finding, replies []deliver.Reply, now time.Time) (deliver.ReconcileResult, error)
}

// Engine evaluates rules. It is safe for concurrent use; each method is one
// run of one rule.
type Engine struct {
	cfg   func() *configs.Config
	st    store.Store
	rec   Reconciler
	clock clock.Clock
	log   *slog.Logger

	directReplies *prometheus.CounterVec
	deadline      *deadlineState
	tasks         *taskCopy
	workload      workloadState // its zero value is ready: see workload_copy.go
	faqAnswers    faqAnswerCache
}

// New returns an Engine reading the config in force through cfg (so reloads
// take effect on the next run).
func New(cfg func() *configs.Config, st store.Store, rec Reconciler, clk clock.Clock, log *slog.Logger) *Engine {
	if clk == nil {
		clk = clock.Real{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{cfg: cfg, st: st, rec: rec, clock: clk, log: log, deadline: newDeadlineState(), tasks: newTaskCopy(),
		directReplies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_redirect_direct_replies_total",
			Help: "Specialists who answered a client directly: message=redirected when the redirect rule had handed " +
				"the message to the account manager, message=unaddressed when it addressed no specialist.",
		}, []string{"client", "specialist", "message"}),
	}
}

// Register adds the engine's metrics to reg.
func (e *Engine) Register(reg prometheus.Registerer) error {
	if err := reg.Register(e.directReplies); err != nil {
		return fmt.Errorf("registering rule metrics: %w", err)
	}
	return nil
}

// RunAll evaluates every rule that has what it needs, collecting errors so
// that one failing rule never stops the others.
func (e *Engine) RunAll(ctx context.Context) error {
	var errs []error
	for _, r := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"deadline", e.RunDeadline},
		{"response", e.RunResponse},
		{"questions", e.RunQuestions},
		{"workload", e.RunWorkload},
		{"workload-digest", e.RunWorkloadDigest},
	} {
		if err := r.run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("rule %s: %w", r.name, err))
		}
	}
	return errors.Join(errs...)
}

// ReleaseCopies drops what the engine keeps in memory between runs under
// one config: the open tasks and the open deadline findings. A config
// reload replaces both at the next run anyway; dropping them before the
// new config is parsed keeps the two from being held together (at the
// reference load the copies are ≈ 40 MB and the parse ≈ 20 MB). The next
// run reads them again and is a full one, whether or not the reload was
// accepted. It waits for a deadline run in progress.
func (e *Engine) ReleaseCopies() {
	s := e.deadline
	s.run.Lock()
	defer s.run.Unlock()
	s.mu.Lock()
	s.open, s.cfg, s.byTask = nil, nil, map[string][]string{}
	s.mu.Unlock()
	e.tasks.mu.Lock()
	e.tasks.drop()
	e.tasks.mu.Unlock()
}

// clientIDs lists the config's clients, the scope of a rule run over all of
// them: findings of clients outside it are left alone.
func clientIDs(cfg *configs.Config) []string {
	ids := make([]string, 0, len(cfg.Clients))
	for _, c := range cfg.Clients {
		ids = append(ids, c.ID)
	}
	return ids
}
