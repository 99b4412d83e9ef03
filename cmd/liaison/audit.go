package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/store"
)

// cmdAudit is `liaison audit`: what Liaison and people did (silences,
// acknowledgements, config reloads), oldest first.
func cmdAudit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := addAdminFlags(fs)
	since := fs.String("since", "24h", "entries since this RFC 3339 `instant` or this long ago (24h, 168h)")
	asJSON := fs.Bool("json", false, "print JSON")
	dataDir := fs.String("data-dir", "", "read the store in `dir` instead of asking the daemon (only while no daemon runs)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	from, err := parseSince(*since, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "liaison audit: -since: %v\n", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var es []store.AuditEntry
	if *dataDir != "" {
		cfg, code := loadConfig(*admin.config, stderr)
		if cfg == nil {
			return code
		}
		st, err := daemon.OpenStore(ctx, cfg, daemon.StoreOptions{DataDir: *dataDir})
		if err != nil {
			fmt.Fprintf(stderr, "liaison audit: %v (while the daemon runs, leave out -data-dir to ask it)\n", err)
			return exitFailed
		}
		defer st.Close()
		es, err = st.ListAudit(ctx, store.AuditFilter{Since: from})
		if err != nil {
			fmt.Fprintf(stderr, "liaison audit: %v\n", err)
			return exitFailed
		}
	} else if err := getJSON(ctx, admin.base()+"/api/v1/audit?since="+url.QueryEscape(from.UTC().Format(time.RFC3339)), &es); err != nil {
		fmt.Fprintf(stderr, "liaison audit: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(es)
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACTOR\tACTION\tDETAIL")
	for _, e := range es {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Time.Local().Format("2006-01-02 15:04:05 MST"), e.Actor, e.Action, e.Detail)
	}
	_ = tw.Flush()
	return exitOK
}

// parseSince reads an RFC 3339 instant or a duration back from now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 instant nor a duration such as 24h", s)
	}
	return now.Add(-d), nil
}
