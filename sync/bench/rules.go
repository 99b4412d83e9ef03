package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// Reference load (DESIGN.md): at scale 1, 2,000 clients with two Jira
// projects each and 100 issues per client (200,000), 300 people of whom
// 50 are account managers.
const (
	refClients      = 2000
	issuesPerClient = 100
	refPeople       = 300
	refAMs          = 50
)

// RuleLoad is a store holding the reference load's tasks at a scale, and
// the rule engine over it with delivery, its deadline findings recorded
// once, as in a daemon that has been running.
type RuleLoad struct {
	Engine *engine.Engine
	Store  *sqlite.Store
	Clock  *clock.Fake
	// NTasks is how many tasks the load holds; task regenerates any of
	// them, so the benchmark process does not hold them all.
	NTasks int
	task   func(i int) connectors.Task
	n      int
	cfg    *configs.Config
	rec    engine.Reconciler
}

// NewRuleLoad generates the load in a SQLite store in dir and runs the
// deadline rule once. The caller closes Store.
func NewRuleLoad(ctx context.Context, dir string, scale float64) (*RuleLoad, error) {
	clients := max(1, int(refClients*scale))
	var y strings.Builder
	y.WriteString("agency: {name: Bench, timezone: Europe/Kyiv, language: en}\npeople:\n")
	for i := range refPeople {
		role := "specialist, specialty: seo"
		if i < refAMs {
			role = "account_manager"
		}
		fmt.Fprintf(&y, "  - {id: p%03d, name: P %d, email: p%d@b.example, role: %s, slack_user_id: U0P%07d, jira_account_id: acc-%d}\n",
			i, i, i, role, i, i)
	}
	y.WriteString("clients:\n")
	// Each client has two specialists, who are assigned its tasks: a
	// specialist works for 16 clients at scale 1, as in an agency, rather
	// than for every client.
	specialist := func(c, n int) int { return refAMs + (c+n%2*(refPeople-refAMs)/2)%(refPeople-refAMs) }
	for c := range clients {
		fmt.Fprintf(&y, "  - {id: c%04d, name: Client %d, account_manager: p%03d, specialists: [p%03d, p%03d], jira_projects: [P%dA, P%dB]}\n",
			c, c, c%refAMs, specialist(c, 0), specialist(c, 1), c, c)
	}
	cfg, err := configs.Parse("bench.yaml", []byte(y.String()), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		return nil, fmt.Errorf("generating the bench config: %w", err)
	}
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	st, err := sqlite.Open(ctx, dir, sqlite.Options{Clock: clk})
	if err != nil {
		return nil, err
	}
	base := now.Truncate(24 * time.Hour)
	cats := []connectors.StatusCategory{connectors.StatusCategoryNew, connectors.StatusCategoryInProgress,
		connectors.StatusCategoryInProgress, connectors.StatusCategoryNew, connectors.StatusCategoryDone}
	l := &RuleLoad{Store: st, Clock: clk, NTasks: clients * issuesPerClient}
	l.task = func(i int) connectors.Task {
		c, n := i/issuesPerClient, i%issuesPerClient
		p := fmt.Sprintf("P%dA", c)
		if n%2 == 1 {
			p = fmt.Sprintf("P%dB", c)
		}
		due := ""
		if n%10 != 0 {
			due = base.AddDate(0, 0, (n*7+c)%90-45).Format(time.DateOnly)
		}
		return connectors.Task{Key: fmt.Sprintf("%s-%d", p, n), ID: fmt.Sprint(i), ProjectKey: p,
			Summary: "Prepare the monthly report", Status: "In Progress", StatusCategory: cats[n%len(cats)],
			AssigneeAccountID: fmt.Sprintf("acc-%d", specialist(c, n)), DueDate: due,
			Updated: now.Add(-time.Hour)}
	}
	for c := range clients {
		batch := make([]connectors.Task, 0, issuesPerClient)
		for n := range issuesPerClient {
			batch = append(batch, l.task(c*issuesPerClient+n))
		}
		if err := st.UpsertTasks(ctx, batch); err != nil {
			return nil, errors.Join(err, st.Close())
		}
	}
	d, err := deliver.New(st, offline{}, func() deliver.Directory { return cfg }, clk, nil, nil, deliver.Options{})
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	l.cfg, l.rec = cfg, d
	l.Restart()
	if err := l.Engine.RunDeadline(ctx); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	return l, nil
}

// Full is one full run of the deadline rule a minute later, nothing
// having changed: every open task evaluated, every finding compared with
// the open one.
func (l *RuleLoad) Full(ctx context.Context) error {
	l.Clock.Advance(time.Minute)
	return l.Engine.RunDeadline(ctx)
}

// FullAll is one run of every rule the daemon runs on its rules tick
// (engine.RunAll) a minute later, the deadline rule's a full one, nothing
// having changed.
func (l *RuleLoad) FullAll(ctx context.Context) error {
	l.Clock.Advance(time.Minute)
	return l.Engine.RunAll(ctx)
}

// Restart replaces the engine with a new one over the same store and
// delivery, as a restarted daemon has: its first run reads the tasks and
// the open findings from the store.
func (l *RuleLoad) Restart() {
	cfg := l.cfg
	l.Engine = engine.New(func() *configs.Config { return cfg }, l.Store, l.rec, l.Clock, nil)
}

// Change moves one task's due date, as a Jira pull would store it, and
// reports it to the engine; Track must have been called.
func (l *RuleLoad) Change(ctx context.Context) error {
	l.n++
	t := l.task(1 + l.n%(l.NTasks-1))
	due, _ := time.Parse(time.DateOnly, "2026-11-20")
	t.DueDate = due.AddDate(0, 0, l.n%30).Format(time.DateOnly)
	t.StatusCategory = connectors.StatusCategoryInProgress
	l.Clock.Advance(time.Second)
	t.Updated = l.Clock.Now()
	if err := l.Store.UpsertTasks(ctx, []connectors.Task{t}); err != nil {
		return err
	}
	l.Engine.TasksChanged([]string{t.Key})
	return nil
}

// Incremental is a run of the daemon's engine, which hears of every task
// change, after Change.
func (l *RuleLoad) Incremental(ctx context.Context) error { return l.Engine.RunDeadline(ctx) }

// Track switches the engine to tracking task changes, as the daemon's.
func (l *RuleLoad) Track() { l.Engine.TrackTasks() }

// CPUTime is the CPU time the process has used so far: on a machine shared
// with other work it measures a run better than the wall clock does.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// offline is Slack for rule runs that deliver nothing.
type offline struct{}

var errOffline = errors.New("the rule benchmark sends nothing to Slack")

func (offline) PostMessage(context.Context, deliver.Message) (string, error) { return "", errOffline }
func (offline) UpdateMessage(context.Context, string, deliver.Message) error { return errOffline }
func (offline) PostEphemeral(context.Context, string, deliver.Message) error { return errOffline }
func (offline) OpenDM(context.Context, string) (string, error)               { return "", errOffline }
func (offline) FindByMetadata(context.Context, string, string, string, string, time.Time, int) (string, bool, error) {
	return "", false, errOffline
}

func tempDir() (string, error) { return os.MkdirTemp("", "liaison-bench-") }

func removeAll(dir string) { _ = os.RemoveAll(dir) }
