package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// cmdAlerts is `liaison alerts list`: every live notification, its
// recipient, when it is planned to go and what holds it. It asks the
// running daemon's loopback API, or, with -data-dir, reads the store of a
// stopped one.
func cmdAlerts(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "list" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintln(stdout, "usage: liaison alerts list [-client C] [-person P] [-state open|pending|deferred|sent|failed] [-json] [-url U | -data-dir DIR] [-config FILE]")
			return exitOK
		}
		fmt.Fprintln(stderr, "usage: liaison alerts list [-client C] [-person P] [-state open|pending|deferred|sent|failed] [-json] [-url U | -data-dir DIR] [-config FILE]")
		return exitUsage
	}
	fs := flag.NewFlagSet("alerts list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := addAdminFlags(fs)
	client := fs.String("client", "", "only this client `id`")
	person := fs.String("person", "", "only this recipient: a person `id` (or channel:C...)")
	state := fs.String("state", "open", "open (all live), pending (goes at the next run), deferred (held: working hours, grouping, silence, digest, pacing, escalation timer), sent or failed")
	asJSON := fs.Bool("json", false, "print JSON")
	dataDir := fs.String("data-dir", "", "read the store in `dir` instead of asking the daemon (only while no daemon runs)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: liaison alerts list [flags]\n\nLists each notification Liaison holds, its recipient, its planned time and what it waits for.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	f := deliver.AlertFilter{ClientID: *client, Recipient: *person, State: *state}
	if !validState(*state) {
		fmt.Fprintf(stderr, "liaison alerts list: -state %q: must be one of %s%s\n", *state, strings.Join(deliver.AlertStates, ", "), field.DidYouMean(*state, deliver.AlertStates))
		return exitUsage
	}
	cfg, _ := configs.Load(*admin.config)
	if cfg != nil {
		if msg := checkIDs(cfg, *client, *person); msg != "" {
			fmt.Fprintf(stderr, "liaison alerts list: %s\n", msg)
			return exitUsage
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var as []deliver.Alert
	var err error
	if *dataDir != "" {
		if cfg == nil {
			_, code := loadConfig(*admin.config, stderr)
			return code
		}
		as, err = alertsFromStore(ctx, cfg, *dataDir, f)
	} else {
		q := url.Values{}
		for k, v := range map[string]string{"client": f.ClientID, "person": f.Recipient, "state": f.State} {
			if v != "" {
				q.Set(k, v)
			}
		}
		err = getJSON(ctx, admin.base()+"/api/v1/alerts?"+q.Encode(), &as)
	}
	if err != nil {
		fmt.Fprintf(stderr, "liaison alerts list: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(as)
		return exitOK
	}
	loc := time.Local
	if cfg != nil {
		_, loc = cfg.AgencyLocale()
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "PLANNED (%s)\tSTATE\tRECIPIENT\tCLIENT\tRULE\tTITLE\tWAITS FOR\n", loc)
	for _, a := range as {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.PlannedAt.In(loc).Format("2006-01-02 15:04 MST"), a.State,
			a.Recipient, dash(a.ClientID), a.Rule, a.Title, dash(a.Wait))
	}
	_ = tw.Flush()
	if len(as) == 0 {
		fmt.Fprintln(stdout, "no alerts match")
	}
	return exitOK
}

func validState(s string) bool {
	for _, v := range deliver.AlertStates {
		if v == s {
			return true
		}
	}
	return false
}

// checkIDs says what is wrong with a client or person id the config does
// not know, with the nearest one it does.
func checkIDs(cfg *configs.Config, client, person string) string {
	if client != "" && cfg.Client(client) == nil {
		ids := make([]string, 0, len(cfg.Clients))
		for _, c := range cfg.Clients {
			ids = append(ids, c.ID)
		}
		return fmt.Sprintf("-client %q: no such client in the config%s", client, field.DidYouMean(client, ids))
	}
	if person != "" && !strings.HasPrefix(person, "channel:") && cfg.Person(person) == nil {
		ids := make([]string, 0, len(cfg.People))
		for _, p := range cfg.People {
			ids = append(ids, p.ID)
		}
		return fmt.Sprintf("-person %q: no such person in the config%s", person, field.DidYouMean(person, ids))
	}
	return ""
}

func alertsFromStore(ctx context.Context, cfg *configs.Config, dataDir string, f deliver.AlertFilter) ([]deliver.Alert, error) {
	st, err := daemon.OpenStore(ctx, cfg, daemon.StoreOptions{DataDir: dataDir})
	if err != nil {
		return nil, fmt.Errorf("%w (while the daemon runs, leave out -data-dir to ask it)", err)
	}
	defer st.Close()
	return deliver.ListAlerts(ctx, st, cfg, time.Now(), f)
}

// getJSON GETs u from the daemon's loopback API into out.
func getJSON(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("is the daemon running? %w (without a daemon, pass -data-dir to read its store)", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = resp.Status
		}
		return errors.New(e.Error)
	}
	return json.Unmarshal(data, out)
}
