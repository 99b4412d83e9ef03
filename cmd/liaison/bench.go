package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/liaisonhq/liaison/sync/bench"
)

// cmdBench is `liaison bench`: the reference load in the sandbox, measured
// with the daemon's own code, every figure beside its goal.
func cmdBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scale := fs.Float64("scale", 0.1, "fraction of the reference load (2,000 clients, 200,000 issues): 0.1 or 1")
	only := fs.String("only", "", "comma-separated figures or groups to measure (ping, rules, history, jira, backfill, rss); all by default")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	pings := fs.Int("pings", 100, "client pings to time (at least 100)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "liaison bench: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *scale != 0.1 && *scale != 1 {
		fmt.Fprintf(stderr, "liaison bench: -scale must be 0.1 or 1, not %g\n", *scale)
		return exitUsage
	}
	var sel []string
	for _, o := range strings.Split(*only, ",") {
		if o = strings.TrimSpace(o); o != "" {
			sel = append(sel, o)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, bench.Options{Scale: *scale, Only: sel, Pings: *pings, Log: newLogger(stderr, "text", "info")})
	if err != nil {
		fmt.Fprintf(stderr, "liaison bench: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "liaison bench: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "liaison bench at scale %g of the reference load\n\n", rep.Scale)
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\tgoal\tmet\tnote")
	for _, f := range rep.Figures {
		value, met := "—", "—"
		if f.Value != nil {
			value = fmt.Sprintf("%.3g %s", *f.Value, f.Unit)
			met = "no"
			if f.Met {
				met = "yes"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s\t%s\n", f.Name, value, f.Goal, f.Unit, met, f.Note)
	}
	if err := tw.Flush(); err != nil {
		return exitFailed
	}
	return exitOK
}
