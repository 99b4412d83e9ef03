package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/jobs"
	"github.com/liaisonhq/liaison/sync/store"
)

// AppOptions are what an App is built with besides its config and store.
type AppOptions struct {
	Logger     *slog.Logger
	Clock      clock.Clock
	Registerer prometheus.Registerer
	// DryRun logs every write to Slack, Jira and Google Sheets instead of sending it.
	DryRun bool
	// HTTPClient, when set, carries every upstream call (tests and the demo
	// use it); by default each connector builds its retrying client.
	HTTPClient *http.Client
	// Owner names this process in outbox leases; replicas need distinct ones.
	Owner string
	// Once is set for a single cycle (`sync --once`): the cycle's findings
	// are the whole burst, so they are grouped without waiting group_wait.
	Once bool
}

// App is Liaison assembled from a config: the configured connectors, the
// rule engine and delivery, over one store. The daemon schedules its
// methods as jobs; `liaison sync --once` and the demo call them in order.
//
// Connectors whose connection is not configured are nil and their work is
// skipped. Connection settings are read once, at build: changing them needs
// a restart. Everything else (people, clients, rules, routes) is read through
// the config getter on every run, so reloads apply at once.
type App struct {
	cfg   func() *configs.Config
	st    store.Store
	log   *slog.Logger
	clock clock.Clock
	once  bool // a single `sync --once` cycle

	jira       *jira.Client
	slack      *slackconn.Client
	google     *googleClient
	publisher  engine.Publisher
	deliver    *deliver.Deliverer
	engine     *engine.Engine
	questions  *engine.Questions
	checklists *engine.Checklists
	faq        *engine.FAQ
	tally      *tally
	activity   activity
	up         *upstreams
}

// NewApp builds the App. It contacts no upstream.
func NewApp(cfg func() *configs.Config, st store.Store, opts AppOptions) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	a := &App{cfg: cfg, st: st, log: opts.Logger, clock: opts.Clock, tally: &tally{}, once: opts.Once}
	c := cfg()
	up, err := newUpstreams(c, opts.Logger, opts.Registerer)
	if err != nil {
		return nil, err
	}
	a.up = up
	if c.Connections.Jira.Configured() && !unconfigured(c, "jira") {
		jc, err := jira.New(c.Connections.Jira, jira.Options{
			HTTPClient: opts.HTTPClient, Logger: opts.Logger.With("connector", "jira"),
			Clock: opts.Clock, Registerer: opts.Registerer, DryRun: opts.DryRun,
		})
		if err != nil {
			return nil, fmt.Errorf("jira connector: %w", err)
		}
		a.jira = jc
	}
	if err := a.newGoogle(c, opts.HTTPClient, opts.DryRun); err != nil {
		return nil, err
	}
	var sl deliver.Slack = noSlack{}
	if c.Connections.Slack.Configured() && !unconfigured(c, "slack") {
		sc, err := slackconn.New(c.Connections.Slack, slackconn.Options{
			HTTPClient: opts.HTTPClient, Logger: opts.Logger.With("connector", "slack"), Clock: opts.Clock,
		})
		if err != nil {
			return nil, fmt.Errorf("slack connector: %w", err)
		}
		a.slack = sc
		sl = observedSlack{Slack: sc, up: a.up, clock: opts.Clock}
	}
	owner := opts.Owner
	if owner == "" {
		owner = "liaison"
	}
	dir := func() deliver.Directory { return cfg() }
	if opts.Once {
		dir = func() deliver.Directory { return onceDirectory{cfg()} }
	}
	d, err := deliver.New(st, sl, dir, opts.Clock,
		opts.Logger.With("component", "deliver"), opts.Registerer,
		deliver.Options{DryRun: opts.DryRun, Owner: owner, Wordings: engine.Wordings()})
	if err != nil {
		return nil, err
	}
	a.deliver = d
	a.engine = engine.New(cfg, st, countingReconciler{d, a.tally}, opts.Clock, opts.Logger.With("component", "rules"))
	if c.Store.Driver != configs.DriverPostgres {
		// One process owns a SQLite store, so it hears of every task
		// change. Replicas on PostgreSQL do not hear of each other's pulls:
		// their deadline runs stay full.
		a.engine.TrackTasks()
	}
	var writer engine.IssueWriter
	if a.jira != nil {
		writer = a.jira
	}
	a.questions = engine.NewQuestions(a.engine, writer)
	var ensurer engine.IssueEnsurer
	if a.jira != nil {
		ensurer = a.jira
	}
	a.checklists = engine.NewChecklists(a.engine, ensurer)
	if a.faq, err = engine.NewFAQ(a.engine, opts.Registerer, nil); err != nil {
		return nil, err
	}
	if opts.Registerer != nil {
		if err := a.engine.Register(opts.Registerer); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func unconfigured(c *configs.Config, name string) bool {
	for _, u := range c.Unconfigured() {
		if len(u) > len(name) && u[:len(name)+1] == name+":" {
			return true
		}
	}
	return false
}

// Deliverer exposes delivery for the silence commands and tests.
func (a *App) Deliverer() *deliver.Deliverer { return a.deliver }

// syncer is rebuilt per run from the config in force, so that clients and
// projects added by a reload are pulled at once.
func (a *App) syncer() (*jira.Syncer, error) {
	c := a.cfg()
	clients := make([]connectors.Client, 0, len(c.Clients))
	people := make([]connectors.Person, 0, len(c.People))
	for _, cl := range c.Clients {
		clients = append(clients, cl.Client)
	}
	people = append(people, c.People...)
	return jira.NewSyncer(a.jira, taskTracker{a.st, a.engine.TasksChanged}, jira.SyncerOptions{
		Scopes: jira.ScopesOf(clients), People: jira.PeopleOf(people),
		Logger: a.log.With("connector", "jira"),
	})
}

// PullJira fetches changed issues, then changed worklogs.
func (a *App) PullJira(ctx context.Context) error {
	if a.jira == nil {
		return nil
	}
	s, err := a.syncer()
	if err != nil {
		return err
	}
	st, err := s.SyncIssues(ctx)
	if err != nil {
		return fmt.Errorf("pulling jira issues: %w", err)
	}
	wl, err := s.SyncWorklogs(ctx)
	if err != nil {
		return fmt.Errorf("pulling jira worklogs: %w", err)
	}
	a.tally.add(func(s *Summary) { s.Tasks += st.Fetched; s.Worklogs += wl.Stored })
	a.log.Info("jira pulled", "issues_fetched", st.Fetched, "issues_changed", st.Changed,
		"worklogs_changed", wl.Changed, "worklogs_stored", wl.Stored)
	if a.once {
		// `sync --once` has no webhook to report deletions, and search cannot
		// show them: list the clients' issue keys (5,000 per request, 40 at
		// 200,000 issues), cheaper than looking up every task with an open
		// finding, so a deleted task stops alerting in this very cycle.
		if _, err := s.Reconcile(ctx); err != nil {
			return fmt.Errorf("reconciling jira: %w", err)
		}
	}
	return nil
}

// ReconcileJira is the slow pass that finds deleted and moved issues.
func (a *App) ReconcileJira(ctx context.Context) error {
	if a.jira == nil {
		return nil
	}
	s, err := a.syncer()
	if err != nil {
		return err
	}
	rs, err := s.Reconcile(ctx)
	if err != nil {
		return fmt.Errorf("reconciling jira: %w", err)
	}
	a.log.Info("jira reconciled", "keys", rs.Keys, "tasks_marked_deleted", rs.MarkedDeleted, "worklogs_deleted", rs.WorklogsDeleted)
	return nil
}

// RunRules evaluates every rule over the store.
func (a *App) RunRules(ctx context.Context) error { return a.engine.RunAll(ctx) }

// Deliver groups what is due into messages and sends them. Without Slack,
// messages are planned and kept in the outbox until Slack is configured.
func (a *App) Deliver(ctx context.Context) error {
	if a.slack == nil {
		return a.deliver.Flush(ctx)
	}
	return a.deliver.Tick(ctx)
}

// SyncOnce is one full cycle: pull everything, evaluate the rules, deliver
// what is due now (RunOnce, without the summary). One failing step does not
// stop the others; their errors are joined.
func (a *App) SyncOnce(ctx context.Context) error {
	_, err := a.RunOnce(ctx)
	return err
}

func (a *App) cycle(ctx context.Context, deliver func(context.Context) error) error {
	var errs []error
	for _, step := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"jira", a.PullJira},
		{"slack", a.CatchUp},
		{"google", a.PullGoogle},
		{"rules", a.RunRules},
		{"checklists", a.checklists.RunChecklists},
		{"reports", a.RunReports},
		{"deliver", deliver},
	} {
		if err := step.run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", step.name, err))
		}
	}
	return errors.Join(errs...)
}

// Tasks are the App's periodic jobs. The pulls' outcomes are the
// upstreams' state that /readyz and liaison_upstream_up show.
func (a *App) Tasks() []jobs.Task {
	var ts []jobs.Task
	if a.jira != nil {
		ts = append(ts,
			jobs.Task{Name: "jira.pull", Every: 2 * time.Minute, Timeout: 10 * time.Minute, Run: a.observe("jira", a.PullJira)},
			// Deletions arrive by webhook at once; without one, this pass
			// finds them (ceil(issues/5000) requests, off the 2-minute pull).
			jobs.Task{Name: "jira.reconcile", Every: time.Hour, Timeout: 30 * time.Minute, Run: a.observe("jira", a.ReconcileJira)},
		)
	}
	if a.google != nil {
		// Ads re-pulls a trailing month and Search Console lags days behind:
		// four runs a day keep reports fresh without spending quota.
		ts = append(ts, jobs.Task{Name: "google.pull", Every: 6 * time.Hour, Timeout: time.Hour, Run: a.observe("google", a.PullGoogle)})
	}
	if a.publisher != nil {
		// Hourly: each client's report is refreshed on its first run of
		// the day in the client's zone, and unchanged spreadsheets cost
		// no request; the Sheets limiter paces the writes. A first run
		// longer than the timeout (thousands of new spreadsheets) goes on
		// at the next run: each spreadsheet's state is stored as it goes.
		ts = append(ts, jobs.Task{Name: "reports", Every: time.Hour, Timeout: time.Hour, Run: a.RunReports})
	}
	if a.jira != nil {
		ts = append(ts, jobs.Task{Name: "checklists", Every: 15 * time.Minute, Timeout: 5 * time.Minute, Run: a.checklists.RunChecklists})
		ts = append(ts, jobs.Task{Name: "questions.flush", Every: 5 * time.Minute, Timeout: 5 * time.Minute, Run: a.questions.Flush})
	}
	ts = append(ts, jobs.Task{Name: "rules", Every: time.Minute, Timeout: 5 * time.Minute, Run: a.RunRules})
	if a.slack == nil {
		// Without Slack nothing is sent: messages are only grouped, and
		// the delivery loop (RunDelivery) has nothing to wake for.
		ts = append(ts, jobs.Task{Name: "deliver", Every: 10 * time.Second, Timeout: 5 * time.Minute, MaxAttempts: 1, Run: a.Deliver})
	}
	return ts
}

// RunDelivery sends what is due as soon as it is due, until ctx is done:
// a reply or alert recorded now wakes it, and it sleeps exactly until the
// next grouped alert or pacing slot (deliver.Deliverer.Run). Without Slack
// it returns at once; the "deliver" job groups messages instead.
func (a *App) RunDelivery(ctx context.Context) error {
	if a.slack == nil {
		return nil
	}
	return a.deliver.Run(ctx, deliver.DefaultIdle)
}

// onceDirectory is the config for a single cycle: no group_wait, since no
// later alert of the burst can arrive before the process exits.
type onceDirectory struct{ *configs.Config }

func (o onceDirectory) DeliveryConfig() deliver.Config {
	c := o.Config.DeliveryConfig()
	c.GroupWait = 0
	return c
}

// noSlack stands in for Slack when it is not configured; Deliver never
// sends through it.
type noSlack struct{}

var errNoSlack = errors.New("slack is not configured")

func (noSlack) PostMessage(context.Context, deliver.Message) (string, error) { return "", errNoSlack }
func (noSlack) UpdateMessage(context.Context, string, deliver.Message) error { return errNoSlack }
func (noSlack) PostEphemeral(context.Context, string, deliver.Message) error { return errNoSlack }
func (noSlack) OpenDM(context.Context, string) (string, error)               { return "", errNoSlack }
func (noSlack) FindByMetadata(context.Context, string, string, string, string, time.Time, int) (string, bool, error) {
	return "", false, errNoSlack
}
