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
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/engine"
)

// cmdFAQLearned is `liaison faq learned [-entry ID] [-json]`: the phrasings
// the answer base learned from the account managers' clicks, read from the
// running daemon, so that the head can review them, forget a wrong one, or
// copy good ones into faq.yaml.
func cmdFAQLearned(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("faq learned", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := addAdminFlags(fs)
	entry := fs.String("entry", "", "only the phrasings of this entry `id`")
	asJSON := fs.Bool("json", false, "print JSON")
	dataDir := fs.String("data-dir", "", "read the store in `dir` instead of asking the daemon (only while no daemon runs)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: liaison faq learned [-entry ID] [-json] [-url U | -data-dir DIR] [-config FILE]\n\n"+
			"Lists what the answer base learned from the account managers' clicks: a posted\n"+
			"suggestion's message is a phrasing of its entry, a \"Not this one\" a negative phrasing.\n"+
			"liaison faq forget ID undoes one.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	// The config names the store for -data-dir; asking the daemon, it only
	// adds the agency's zone and the answer base, so it may be missing.
	var cfg *configs.Config
	var ls []engine.LearnedPhrasing
	var err error
	if *dataDir != "" {
		var code int
		if cfg, code = loadConfig(*admin.config, stderr); cfg == nil {
			return code
		}
		ls, err = readLearned(cfg, *dataDir)
	} else {
		cfg, _ = configs.Load(*admin.config)
		ls, err = getLearned(admin.base())
	}
	if err != nil {
		fmt.Fprintf(stderr, "liaison faq learned: %v\n", err)
		return exitFailed
	}
	var kept []engine.LearnedPhrasing
	for _, l := range ls {
		if *entry == "" || l.Entry == *entry {
			kept = append(kept, l)
		}
	}
	// What the matcher makes of each against the config's answer base:
	// a head copying good ones into faq.yaml sees which are in use and
	// which the base already holds.
	loc := time.Local
	var uses map[int64]faq.LearnedUse
	if cfg != nil {
		_, loc = cfg.AgencyLocale()
	}
	if cfg != nil && cfg.FAQ != nil {
		uses = cfg.FAQ.LearnedUses(asMatched(ls))
	}
	if *asJSON {
		type row struct {
			engine.LearnedPhrasing
			Use faq.LearnedUse `json:"use,omitempty"`
		}
		rows := make([]row, len(kept))
		for i, l := range kept {
			rows[i] = row{l, uses[l.ID]}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fmt.Fprintf(stderr, "liaison faq learned: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if len(kept) == 0 {
		fmt.Fprintln(stdout, "the answer base has learned nothing from clicks yet")
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tLEARNED (%s)\tENTRY\tKIND\tLANG\tCLIENT\tBY\tUSE\tMESSAGE\n", loc)
	for _, l := range kept {
		kind := "phrasing"
		if l.Not {
			kind = "not"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Time.In(loc).Format("2006-01-02 15:04"), l.Entry, kind,
			l.Lang, dash(l.Client), dash(l.By), dash(string(uses[l.ID])), oneLine(l.Text))
	}
	_ = tw.Flush()
	return exitOK
}

// oneLine keeps a table row on one line and within reason.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}

// cmdFAQForget is `liaison faq forget ID...`: the answer base stops using
// the learned phrasings named (their ids from `liaison faq learned`).
func cmdFAQForget(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("faq forget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := addAdminFlags(fs)
	by := fs.String("by", os.Getenv("USER"), "who is forgetting, for the audit log")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: liaison faq forget [-by NAME] [-url U] [-config FILE] ID...\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	for _, a := range fs.Args() {
		if _, err := strconv.ParseInt(a, 10, 64); err != nil {
			fmt.Fprintf(stderr, "liaison faq forget: %q is not a learned phrasing's id (see liaison faq learned)\n", a)
			return exitUsage
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c := silenceClient{base: admin.base(), http: &http.Client{Timeout: 10 * time.Second}}
	for _, a := range fs.Args() {
		if err := c.do(ctx, http.MethodDelete, "/api/v1/faq/learned/"+a+"?by="+url.QueryEscape(*by), nil, nil); err != nil {
			fmt.Fprintf(stderr, "liaison faq forget %s: %v\n", a, err)
			var ue *usageErr
			if errors.As(err, &ue) {
				return exitUsage
			}
			return exitFailed
		}
		fmt.Fprintf(stdout, "learned phrasing %s forgotten\n", a)
	}
	return exitOK
}

// getLearned reads the learned phrasings from the daemon's admin API at
// base.
func getLearned(base string) ([]engine.LearnedPhrasing, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c := silenceClient{base: base, http: &http.Client{Timeout: 10 * time.Second}}
	var ls []engine.LearnedPhrasing
	if err := c.do(ctx, http.MethodGet, "/api/v1/faq/learned", nil, &ls); err != nil {
		return nil, fmt.Errorf("reading the learned phrasings: %w", err)
	}
	return ls, nil
}

// readLearned reads the learned phrasings from the store of cfg in
// dataDir, for when no daemon runs.
func readLearned(cfg *configs.Config, dataDir string) ([]engine.LearnedPhrasing, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := daemon.OpenStore(ctx, cfg, daemon.StoreOptions{DataDir: dataDir})
	if err != nil {
		return nil, fmt.Errorf("%w (while the daemon runs, leave out -data-dir to ask it)", err)
	}
	defer st.Close()
	return engine.LoadLearned(ctx, st)
}

// fetchLearned is getLearned as the matcher takes them, for `liaison faq
// test -learned` and `liaison faq eval -learned`.
func fetchLearned(base string) ([]faq.Learned, error) {
	ls, err := getLearned(base)
	if err != nil {
		return nil, err
	}
	return asMatched(ls), nil
}

// asMatched returns the learned phrasings ls as the matcher takes them.
func asMatched(ls []engine.LearnedPhrasing) []faq.Learned {
	out := make([]faq.Learned, len(ls))
	for i, l := range ls {
		out[i] = l.Learned
		out[i].ID = l.ID // the API names it once, outside
	}
	return out
}
