package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/sync/jobs"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/postgres"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// StoreOptions are what OpenStore needs besides the config.
type StoreOptions struct {
	// DataDir overrides store.data_dir (SQLite only) when set.
	DataDir string
	Logger  *slog.Logger
	Clock   clock.Clock
}

// OpenStore opens the state store the config's store.driver names, for
// commands that use the store without the daemon (`liaison sync --once`).
// The caller closes it.
func OpenStore(ctx context.Context, cfg *configs.Config, opts StoreOptions) (store.Store, error) {
	st, err := openStore(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	return st.Store, nil
}

// stateStore is an open state store and how to run the job engine on the
// same database, which differs by driver.
type stateStore struct {
	store.Store
	// where says where the state lives, for the start-up log line: the data
	// dir, or the PostgreSQL host and database (never the DSN).
	where slog.Attr
	// newJobs creates the job engine on the store's database.
	newJobs func(ctx context.Context, opts jobs.Options) (*jobs.Engine, error)
}

// openStore opens the state store the config asks for.
func openStore(ctx context.Context, cfg *configs.Config, opts StoreOptions) (*stateStore, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	switch cfg.Store.Driver {
	case "", configs.DriverSQLite:
		dataDir := opts.DataDir
		if dataDir == "" {
			dataDir = cfg.Store.DataDir
		}
		// sqlite.Open takes the data dir's lock: a second process on the
		// same directory is refused, as before.
		st, err := sqlite.Open(ctx, dataDir, sqlite.Options{Logger: opts.Logger, Clock: opts.Clock})
		if err != nil {
			return nil, fmt.Errorf("opening state store: %w", err)
		}
		return &stateStore{Store: st, where: slog.String("data_dir", dataDir), newJobs: func(ctx context.Context, o jobs.Options) (*jobs.Engine, error) {
			// The data dir's lock proves a previous process is gone:
			// take over its lease and runs now rather than wait them out.
			o.SoleOwner = true
			return jobs.New(ctx, st.JobsDB(), o)
		}}, nil
	case configs.DriverPostgres:
		// The DSN holds a password: it goes to pgx and nowhere else, and
		// postgres.Open's errors name only host, database and user.
		st, err := postgres.Open(ctx, cfg.Store.DSN.Reveal(), postgres.Options{Logger: opts.Logger, Clock: opts.Clock})
		if err != nil {
			return nil, fmt.Errorf("opening state store: %w", err)
		}
		cc := st.Pool().Config().ConnConfig
		where := slog.String("postgres", fmt.Sprintf("%s/%s (schema %s)",
			net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))), cc.Database, st.Schema()))
		return &stateStore{Store: st, where: where, newJobs: func(ctx context.Context, o jobs.Options) (*jobs.Engine, error) {
			return jobs.NewPostgres(ctx, st.Pool(), o)
		}}, nil
	default:
		return nil, fmt.Errorf("store.driver %q: must be sqlite or postgres", cfg.Store.Driver)
	}
}

// startJobs starts the job engine on the store's database and registers the
// periodic work of every configured connector and rule.
func (d *Daemon) startJobs(ctx context.Context, st *stateStore, tasks []jobs.Task) (*jobs.Engine, error) {
	eng, err := st.newJobs(ctx, jobs.Options{
		Logger:     d.log.With("component", "jobs"),
		Registerer: d.reg,
		Clock:      d.clock,
	})
	if err != nil {
		return nil, fmt.Errorf("creating job engine: %w", err)
	}
	for _, t := range tasks {
		if err := eng.Register(t); err != nil {
			return nil, fmt.Errorf("registering task %s: %w", t.Name, err)
		}
	}
	if err := eng.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting job engine: %w", err)
	}
	return eng, nil
}

type connectorState struct {
	name   string
	reason string // empty when configured
}

// connectorStates says, for each upstream, whether it can run and if not why.
func connectorStates(cfg *configs.Config) []connectorState {
	configured := map[string]bool{
		"jira":   cfg.Connections.Jira.Configured(),
		"slack":  cfg.Connections.Slack.Configured(),
		"google": cfg.Connections.Google.Configured(),
	}
	why := map[string]string{}
	for _, u := range cfg.Unconfigured() {
		name, _, _ := strings.Cut(u, ":")
		why[name] = u
	}
	var out []connectorState
	for _, name := range []string{"jira", "slack", "google"} {
		st := connectorState{name: name}
		switch {
		case why[name] != "":
			st.reason = why[name]
		case !configured[name]:
			st.reason = "connections." + name + " is empty"
		}
		out = append(out, st)
	}
	return out
}
