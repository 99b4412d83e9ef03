package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/liaisonhq/liaison/sync/demo"
)

// cmdDemo is `liaison demo`: a simulated working day of the sample agency,
// printed as a transcript and drawn as DIR/index.html. It needs no config,
// no credentials and no network.
func cmdDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "./"+demo.DefaultOut, "`dir`ectory to write index.html to")
	startFlag := fs.String("start", "", "simulated start, RFC 3339 (default: 07:30 in Kyiv on the next working day)")
	quiet := fs.Bool("quiet", false, "print only the summary and where the page is, not the transcript")
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
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	level := "warn"
	if *quiet {
		level = "error"
	}
	opts := demo.Options{Out: *out, Start: start, Logger: newLogger(stderr, "text", level)}
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
