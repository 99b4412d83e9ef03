package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

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
	sum, err := app.RunOnce(ctx)
	_, loc := cfg.AgencyLocale()
	printSummary(stdout, sum, loc)
	if err != nil {
		fmt.Fprintf(stderr, "liaison sync: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// printSummary tells what the cycle did and what it left for later, with
// times in the agency's zone.
func printSummary(w io.Writer, s daemon.Summary, loc *time.Location) {
	if loc == nil {
		loc = time.UTC
	}
	fmt.Fprintln(w, "sync: one cycle done")
	fmt.Fprintf(w, "  pulled:    %s, %s, %s, %s\n", count(s.Tasks, "task"), count(s.Worklogs, "worklog"),
		count(s.Messages, "Slack message"), count(s.MetricRows, "metric row"))
	if s.SlackChannels > 0 {
		fmt.Fprintf(w, "  slack:     %s read in %s, %s of it waiting for Slack's rate limits\n",
			count(s.SlackChannels, "channel"), s.SlackTime.Round(time.Second), s.SlackWait.Round(time.Second))
	}
	fmt.Fprintf(w, "  findings:  %d opened, %d updated, %d resolved\n", s.Opened, s.Updated, s.Resolved)
	fmt.Fprintf(w, "  delivered: %s\n", count(s.Delivered, "message"))
	if len(s.Deferred) == 0 {
		fmt.Fprintln(w, "  deferred:  nothing")
		return
	}
	fmt.Fprintln(w, "  deferred:")
	for _, d := range s.Deferred {
		fmt.Fprintf(w, "    %s for %s, the first at %s\n", count(d.Count, "message"), d.Reason, d.Next.In(loc).Format("Mon 2006-01-02 15:04 MST"))
	}
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func pick(override, def string) string {
	if override != "" {
		return override
	}
	return def
}
