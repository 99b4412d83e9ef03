package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/reports"
	"github.com/liaisonhq/liaison/sync/store"
)

// newPublisher returns what writes workbooks to Google Sheets. Without
// Google credentials there is none, and every command that would write
// says so instead of pretending.
func newPublisher(cfg *configs.Config, st store.Store) (engine.Publisher, error) {
	g := cfg.Connections.Google
	if !g.Configured() {
		return nil, engine.ErrNoPublisher
	}
	sc, err := reports.NewSheetsClient(context.Background(), g, httpx.NewClient(httpx.Options{Name: "google"}), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	pub, err := reports.New(reports.Options{Sheets: sc, Store: st})
	if err != nil {
		return nil, err
	}
	return reports.ForEngine(pub), nil
}

// sheetCmd is what `liaison report` and `liaison invoices` share: the
// config, the store and the engine over them.
type sheetCmd struct {
	name    string
	fs      *flag.FlagSet
	path    *string
	dataDir *string
	dryRun  *bool
	now     *string
}

func newSheetCmd(name string, stderr io.Writer) *sheetCmd {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &sheetCmd{name: name, fs: fs, path: configFlag(fs),
		dataDir: fs.String("data-dir", os.Getenv("LIAISON_DATA_DIR"), "state `dir` (overrides store.data_dir; sqlite only)"),
		dryRun:  fs.Bool("dry-run", false, "print the tables in the terminal and write nothing"),
		now:     fs.String("now", "", "build as of this RFC 3339 `instant` instead of now (to reproduce a past run)"),
	}
}

// open loads the config and the store and returns the engine over them
// and the instant to build at; on failure it has printed why.
func (c *sheetCmd) open(ctx context.Context, stderr io.Writer) (*engine.Engine, store.Store, *configs.Config, time.Time, int) {
	now := time.Now()
	if *c.now != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, *c.now); err != nil {
			fmt.Fprintf(stderr, "liaison %s: -now: %v\n", c.name, err)
			return nil, nil, nil, now, exitUsage
		}
	}
	cfg, code := loadConfig(*c.path, stderr)
	if cfg == nil {
		return nil, nil, nil, now, code
	}
	log := newLogger(stderr, cfg.Log.Format, cfg.Log.Level)
	st, err := daemon.OpenStore(ctx, cfg, daemon.StoreOptions{DataDir: *c.dataDir, Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "liaison %s: %v\n", c.name, err)
		return nil, nil, nil, now, exitFailed
	}
	e := engine.New(func() *configs.Config { return cfg }, st, nil, clock.Real{}, log)
	return e, st, cfg, now, exitOK
}

// cmdReport is `liaison report -client ID -period 2026-11`.
func cmdReport(args []string, stdout, stderr io.Writer) int {
	c := newSheetCmd("report", stderr)
	client := c.fs.String("client", "", "client `id` (required)")
	period := c.fs.String("period", "", "`period` to build: 2026-11 for a month, 2026-W48 for a week; default the client's current one")
	force := c.fs.Bool("force", false, "rewrite a period whose final run is done")
	if err := c.fs.Parse(args); err != nil {
		return exitUsage
	}
	if *client == "" {
		fmt.Fprintln(stderr, "liaison report: -client is required")
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	e, st, cfg, now, code := c.open(ctx, stderr)
	if e == nil {
		return code
	}
	defer st.Close()
	cl := cfg.Client(*client)
	if cl == nil {
		fmt.Fprintf(stderr, "liaison report: no client %q in %s\n", *client, *c.path)
		return exitUsage
	}
	sched := engine.ReportSchedule(cfg, cl)
	p := sched.Current(now)
	if *period != "" {
		var err error
		if p, err = report.ParsePeriod(*period); err != nil {
			fmt.Fprintf(stderr, "liaison report: -period: %v\n", err)
			return exitUsage
		}
	}
	if (p.Kind == connectors.PeriodWeekly) != (sched.Kind == connectors.PeriodWeekly) {
		fmt.Fprintf(stderr, "liaison report: %s reports are %s; -period %s is not\n", cl.ID, sched.Kind, p)
		return exitUsage
	}
	action, err := e.ReportPlan(ctx, cl.ID, p, now, *force)
	if err != nil && !(*c.dryRun && errors.Is(err, report.ErrFinalised)) {
		fmt.Fprintf(stderr, "liaison report: %v\n", err)
		return exitFailed
	}
	if *c.dryRun {
		wb, err := e.ClientReport(ctx, cl.ID, p, now)
		if err != nil {
			fmt.Fprintf(stderr, "liaison report: %v\n", err)
			return exitFailed
		}
		if err := table.WriteText(stdout, &wb); err != nil {
			fmt.Fprintf(stderr, "liaison report: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	pub, err := newPublisher(cfg, st)
	if err != nil {
		fmt.Fprintf(stderr, "liaison report: %v\n", err)
		return exitFailed
	}
	url, err := e.PublishReport(ctx, cl.ID, p, action, pub, now)
	if err != nil {
		fmt.Fprintf(stderr, "liaison report: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "report %s %s (%s): %s\n", cl.ID, p, action, url)
	return exitOK
}

// cmdInvoices is `liaison invoices -month 2026-11`.
func cmdInvoices(args []string, stdout, stderr io.Writer) int {
	c := newSheetCmd("invoices", stderr)
	month := c.fs.String("month", "", "`month` to build, e.g. 2026-11 (required)")
	if err := c.fs.Parse(args); err != nil {
		return exitUsage
	}
	if p, err := report.ParsePeriod(*month); err != nil || p.Kind != connectors.PeriodMonthly {
		fmt.Fprintf(stderr, "liaison invoices: -month %q: want YYYY-MM\n", *month)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	e, st, cfg, now, code := c.open(ctx, stderr)
	if e == nil {
		return code
	}
	defer st.Close()
	wb, err := e.Invoices(ctx, *month, now)
	if err != nil {
		fmt.Fprintf(stderr, "liaison invoices: %v\n", err)
		return exitFailed
	}
	if *c.dryRun {
		if err := table.WriteText(stdout, &wb); err != nil {
			fmt.Fprintf(stderr, "liaison invoices: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	pub, err := newPublisher(cfg, st)
	if err != nil {
		fmt.Fprintf(stderr, "liaison invoices: %v\n", err)
		return exitFailed
	}
	pubd, err := pub.Publish(ctx, "invoices", wb, engine.InvoicesShare(cfg))
	if err != nil {
		fmt.Fprintf(stderr, "liaison invoices: publishing: %v\n", err)
		return exitFailed
	}
	url := pubd.URL
	if _, err := e.RecordInvoiced(ctx, *month, now); err != nil {
		fmt.Fprintf(stderr, "liaison invoices: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "invoices %s: %s\n", *month, url)
	return exitOK
}
