package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/store"
)

// cmdSilence is `liaison silence add|list|expire`. It talks to the running
// daemon's loopback API (the daemon holds the store's lock), like amtool
// talks to Alertmanager.
const silenceUsage = `usage: liaison silence add|list|expire [flags]

Silences mute alerts while they last; muted alerts stay pending and go out
when the silence ends if their finding is still open. The command talks to
the running daemon's admin API on loopback (inside a container:
docker exec liaison liaison silence list).

  liaison silence add [-client C] [-rule R] [-subject S] [-finding K] [-for 24h | -until T] [-comment TEXT]
  liaison silence list
  liaison silence expire ID

Run 'liaison silence add -h' for the flags of add.
`

func cmdSilence(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, silenceUsage)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, silenceUsage)
		return exitOK
	case "add", "list", "expire":
	default:
		fmt.Fprintf(stderr, "liaison silence: unknown subcommand %q%s\n\n%s", sub, field.DidYouMean(sub, []string{"add", "list", "expire"}), silenceUsage)
		return exitUsage
	}
	fs := flag.NewFlagSet("silence "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := addAdminFlags(fs)
	by := fs.String("by", os.Getenv("USER"), "who is silencing, for the audit log")
	var (
		rule, client, subject, finding, comment *string
		dur                                     *time.Duration
		until                                   *string
	)
	if sub == "add" {
		rule = fs.String("rule", "", "mute findings of this rule ("+strings.Join(configs.RuleNames(), ", ")+")")
		client = fs.String("client", "", "mute findings of this client `id`")
		subject = fs.String("subject", "", "mute findings about this subject (a task key such as ACME-12, channel/ts, a person id)")
		finding = fs.String("finding", "", "mute exactly this finding `key`")
		dur = fs.Duration("for", 24*time.Hour, "how long")
		until = fs.String("until", "", "end instead at this RFC 3339 `instant` (e.g. 2026-12-01T09:00:00+02:00)")
		comment = fs.String("comment", "", "why")
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c := silenceClient{base: admin.base(), http: &http.Client{Timeout: 10 * time.Second}}
	// Times are shown in the agency's zone, named, when the config is at
	// hand; else in this machine's.
	loc := time.Local
	cfg, _ := configs.Load(*admin.config)
	if cfg != nil {
		_, loc = cfg.AgencyLocale()
	}

	var err error
	switch sub {
	case "add":
		end := time.Now().Add(*dur)
		if *until != "" {
			if end, err = time.Parse(time.RFC3339, *until); err != nil {
				fmt.Fprintf(stderr, "liaison silence add: -until: %v\n", err)
				return exitUsage
			}
		}
		req := daemon.SilenceRequest{Rule: *rule, ClientID: *client, SubjectID: *subject,
			FindingKey: *finding, EndsAt: end, CreatedBy: *by, Comment: *comment}
		if cfg != nil {
			// The daemon checks too, against the config it runs; checking
			// here first answers without it.
			if err := daemon.CheckSilence(cfg, req); err != nil {
				fmt.Fprintf(stderr, "liaison silence add: %v\n", err)
				return exitUsage
			}
		}
		var created daemon.SilenceCreated
		created, err = c.add(ctx, req)
		if err == nil {
			fmt.Fprintf(stdout, "silence %s added until %s; it mutes %s now\n", created.ID, zoned(end, loc), findingsCount(created.Matches))
		}
	case "list":
		var ss []store.Silence
		if ss, err = c.list(ctx); err == nil {
			tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "ID\tRULE\tCLIENT\tSUBJECT\tFINDING\tENDS (%s)\tBY\tCOMMENT\n", loc)
			for _, s := range ss {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, dash(s.Rule), dash(s.ClientID), dash(s.SubjectID),
					dash(s.FindingKey), s.EndsAt.In(loc).Format("2006-01-02 15:04 MST"), dash(s.CreatedBy), s.Comment)
			}
			_ = tw.Flush()
		}
	case "expire":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "usage: liaison silence expire ID")
			return exitUsage
		}
		if err = c.expire(ctx, fs.Arg(0), *by); err == nil {
			fmt.Fprintf(stdout, "silence %s expired\n", fs.Arg(0))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "liaison silence %s: %v\n", sub, err)
		var ue *usageErr
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFailed
	}
	return exitOK
}

// zoned shows t in loc with the zone's abbreviation and name.
func zoned(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST") + " (" + loc.String() + ")"
}

func findingsCount(n int) string {
	if n == 1 {
		return "1 open finding"
	}
	return fmt.Sprintf("%d open findings", n)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type silenceClient struct {
	base string
	http *http.Client
}

// usageErr is a refusal by the daemon because of what was asked (400/404).
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

func (c silenceClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("is the daemon running? %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = resp.Status
		}
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusNotFound {
			return &usageErr{e.Error}
		}
		return errors.New(e.Error)
	}
	if out != nil && len(data) > 0 {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (c silenceClient) add(ctx context.Context, r daemon.SilenceRequest) (daemon.SilenceCreated, error) {
	var out daemon.SilenceCreated
	err := c.do(ctx, http.MethodPost, "/api/v1/silences", r, &out)
	return out, err
}

func (c silenceClient) list(ctx context.Context) ([]store.Silence, error) {
	var out []store.Silence
	err := c.do(ctx, http.MethodGet, "/api/v1/silences", nil, &out)
	return out, err
}

func (c silenceClient) expire(ctx context.Context, id, by string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/silences/"+url.PathEscape(id)+"?by="+url.QueryEscape(by), nil, nil)
}
