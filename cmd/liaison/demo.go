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

	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/sync/demo"
)

// cmdDemo is `liaison demo`: a simulated working day of the sample agency,
// printed as a transcript and drawn as DIR/index.html. It needs no config,
// no credentials and no network. With -seed (and -config), it plays the
// agency's own scenario (and rules) from a chosen -start to -until.
func cmdDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "./"+demo.DefaultOut, "`dir`ectory to write index.html to")
	startFlag := fs.String("start", "", "simulated start, RFC 3339 (default: 07:30 in Kyiv on the next working day)")
	quiet := fs.Bool("quiet", false, "print only the summary and where the page is, not the transcript")
	seed := fs.String("seed", "", "scenario `file` to play (people, clients, issues, messages; docs/SANDBOX.md) instead of the sample agency")
	agency := fs.String("config", "", "agency config `file` whose people, clients, rules and delivery to play (with -seed); its connections are replaced by the sandbox's")
	untilFlag := fs.String("until", "", "simulated end, RFC 3339 (default: 12 hours after -start)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "liaison demo: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	var start time.Time
	if *startFlag != "" {
		t, err := time.Parse(time.RFC3339, *startFlag)
		if err != nil {
			fmt.Fprintf(stderr, "liaison demo: -start %q is not an RFC 3339 time such as 2026-12-01T07:30:00+02:00\n", *startFlag)
			return exitUsage
		}
		start = t
	}
	if *agency != "" && *seed == "" {
		fmt.Fprintln(stderr, "liaison demo: -config needs -seed: the scenario says what happens in Jira and Slack")
		return exitUsage
	}
	opts := demo.Options{Out: *out, Start: start}
	if *untilFlag != "" {
		if start.IsZero() {
			fmt.Fprintln(stderr, "liaison demo: -until needs -start")
			return exitUsage
		}
		until, err := time.Parse(time.RFC3339, *untilFlag)
		if err != nil || !until.After(start) {
			fmt.Fprintf(stderr, "liaison demo: -until %q must be an RFC 3339 time after -start\n", *untilFlag)
			return exitUsage
		}
		opts.Duration = until.Sub(start)
	}
	if *seed != "" {
		data, err := os.ReadFile(*seed)
		if err != nil {
			fmt.Fprintf(stderr, "liaison demo: %v\n", err)
			return exitUsage
		}
		if opts.Seed, err = sandbox.ParseScenario(*seed, data); err != nil {
			fmt.Fprintf(stderr, "liaison demo: %v\n", err)
			return exitUsage
		}
	}
	if *agency != "" {
		// Checked as written first, so that problems name its own lines.
		if cfg, code := loadConfig(*agency, stderr); cfg == nil {
			return code
		}
		data, err := os.ReadFile(*agency)
		if err != nil {
			fmt.Fprintf(stderr, "liaison demo: %v\n", err)
			return exitUsage
		}
		opts.Agency, opts.AgencyPath = data, *agency
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	level := "warn"
	if *quiet {
		level = "error"
	}
	opts.Logger = newLogger(stderr, "text", level)
	if !*quiet {
		opts.Stdout = stdout
	}
	res, err := demo.Run(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "liaison demo: %v\n", err)
		return exitFailed
	}
	if *quiet {
		if err := demo.WriteSummary(stdout, res); err != nil {
			fmt.Fprintf(stderr, "liaison demo: %v\n", err)
			return exitFailed
		}
	}
	return exitOK
}
