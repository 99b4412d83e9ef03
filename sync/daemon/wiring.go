package daemon

import (
	"context"
	"fmt"
	"strings"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/sync/jobs"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// openStore opens the state store the config asks for.
func openStore(ctx context.Context, cfg *configs.Config, dataDir string, d *Daemon) (*sqlite.Store, error) {
	switch cfg.Store.Driver {
	case "", "sqlite":
		st, err := sqlite.Open(ctx, dataDir, sqlite.Options{Logger: d.log, Clock: d.clock})
		if err != nil {
			return nil, fmt.Errorf("opening state store: %w", err)
		}
		return st, nil
	default:
		return nil, fmt.Errorf("store.driver %q: not available in this build yet; use sqlite", cfg.Store.Driver)
	}
}

// startJobs starts the job engine on the store's database and registers the
// periodic work of every configured connector and rule.
func (d *Daemon) startJobs(ctx context.Context, st *sqlite.Store, tasks []jobs.Task) (*jobs.Engine, error) {
	eng, err := jobs.New(ctx, st.DB(), jobs.Options{
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
