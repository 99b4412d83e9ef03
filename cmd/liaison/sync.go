package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/sync/daemon"
)

// cmdSync is `liaison sync --once`: one full cycle, then exit.
func cmdSync(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := configFlag(fs)
	once := fs.Bool("once", false, "run one cycle (pull, rules, deliver) and exit; required")
	dataDir := fs.String("data-dir", os.Getenv("LIAISON_DATA_DIR"), "state `dir` (overrides store.data_dir; sqlite only)")
	dryRun := fs.Bool("dry-run", false, "log what would be written to Slack, Jira and Google Sheets instead of writing it")
	logFormat := fs.String("log-format", "", "text or json (overrides log.format)")
	logLevel := fs.String("log-level", "", "overrides log.level")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if !*once {
		fmt.Fprintln(stderr, "liaison sync: only --once is supported; the daemon (liaison run) syncs continuously")
		return exitUsage
	}
	cfg, code := loadConfig(*path, stderr)
	if cfg == nil {
		return code
	}
	log := newLogger(stderr, pick(*logFormat, cfg.Log.Format), pick(*logLevel, cfg.Log.Level))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// store.driver decides: the data dir (sqlite) or the shared database
	// (postgres), where a one-off cycle works alongside running replicas.
	st, err := daemon.OpenStore(ctx, cfg, daemon.StoreOptions{DataDir: *dataDir, Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "liaison sync: %v\n", err)
		return exitFailed
	}
	defer st.Close()
	for _, why := range cfg.Unconfigured() {
		log.Warn("connector not configured; skipping it", "reason", why)
	}
	app, err := daemon.NewApp(func() *configs.Config { return cfg }, st, daemon.AppOptions{
		Logger: log, DryRun: *dryRun, Once: true, Owner: daemon.LeaseOwner(cfg),
	})
	if err != nil {
		fmt.Fprintf(stderr, "liaison sync: %v\n", err)
		return exitFailed
	}
	if err := app.SyncOnce(ctx); err != nil {
		fmt.Fprintf(stderr, "liaison sync: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, "sync: one cycle done")
	return exitOK
}

func pick(override, def string) string {
	if override != "" {
		return override
	}
	return def
}
