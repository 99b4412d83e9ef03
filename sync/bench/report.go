package bench

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Figure is one measured figure beside its goal. Value is nil when the
// figure was not measured; Note then says why.
type Figure struct {
	Name  string   `json:"name"`
	Value *float64 `json:"value"`
	Unit  string   `json:"unit"`
	Goal  string   `json:"goal"`
	Met   bool     `json:"met"`
	Note  string   `json:"note,omitempty"`
}

// Report is what `liaison bench` prints.
type Report struct {
	Scale   float64  `json:"scale"`
	Figures []Figure `json:"figures"`
}

// Options select what Run measures.
type Options struct {
	// Scale is the fraction of the reference load: 0.1 or 1.
	Scale float64
	// Only, when not empty, names the figures (or groups: "ping", "rules",
	// "history") to measure; the others are reported as skipped.
	Only []string
	// Pings is how many client pings are timed (at least 100).
	Pings int
	// Log receives progress; nil discards it.
	Log *slog.Logger
	// Binary is the liaison executable the RSS figures run as a daemon;
	// default os.Executable().
	Binary string
}

// Figure names, as `-json` prints them.
const (
	FigPingReply      = "ping→reply p99"
	FigPingAlert      = "ping→AM alert p99"
	FigRulesFull      = "rule evaluation full"
	FigRulesOne       = "rule evaluation one change"
	FigHistorySteady  = "history calls steady"
	FigJiraIdle       = "jira requests idle ÷ minimum"
	FigBackfillJira   = "backfill ÷ floor jira"
	FigBackfillAds    = "backfill ÷ floor google ads"
	FigBackfillSearch = "backfill ÷ floor search console"
	FigRSSSteady      = "rss steady"
	FigRSSBackfill    = "rss backfill"
)

var groups = map[string][]string{
	"ping":    {FigPingReply, FigPingAlert},
	"history": {FigHistorySteady},
	"rules":   {FigRulesFull, FigRulesOne},
	"rss":     {FigRSSSteady, FigRSSBackfill},
}

// Run measures what opts select and returns every figure of the table,
// measured or not.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Scale <= 0 {
		opts.Scale = 0.1
	}
	opts.Pings = max(opts.Pings, 100)
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	want := func(name string) bool {
		if len(opts.Only) == 0 {
			return true
		}
		for _, o := range opts.Only {
			if o == name || slices.Contains(groups[o], name) || slices.Contains(upstreamGroups[o], name) {
				return true
			}
		}
		return false
	}
	rep := Report{Scale: opts.Scale}
	figs := map[string]Figure{}
	set := func(f Figure) { figs[f.Name] = f }

	if want(FigPingReply) || want(FigPingAlert) || want(FigHistorySteady) {
		opts.Log.Info("timing client pings through the sandbox", "pings", opts.Pings)
		res, err := Pings(ctx, opts.Pings, 6, opts.Log)
		if err != nil {
			return rep, fmt.Errorf("timing pings: %w", err)
		}
		note := fmt.Sprintf("over %d pings; p50 %s", res.Pings, seconds(Percentile(res.Reply, 0.5)))
		set(le(FigPingReply, Percentile(res.Reply, 0.99).Seconds(), "s", 0.5, note))
		set(le(FigPingAlert, Percentile(res.Alert, 0.99).Seconds(), "s", 0.5,
			fmt.Sprintf("group_wait 0, over %d pings; p50 %s", res.Pings, seconds(Percentile(res.Alert, 0.5)))))
		set(le(FigHistorySteady, float64(res.HistoryCalls), "calls", 0,
			fmt.Sprintf("conversations.history calls over %d simulated idle hours with Socket Mode up", res.IdleHours)))
	}
	if want(FigRulesFull) || want(FigRulesOne) {
		if err := measureRules(ctx, opts, set); err != nil {
			return rep, err
		}
	}
	if want(FigJiraIdle) || want(FigBackfillJira) || want(FigBackfillAds) || want(FigBackfillSearch) {
		if err := measureUpstreams(ctx, opts, want, set); err != nil {
			return rep, err
		}
	}
	if want(FigRSSSteady) || want(FigRSSBackfill) {
		if err := measureRSS(ctx, opts, set); err != nil {
			return rep, err
		}
	}
	for _, name := range []string{FigPingReply, FigPingAlert, FigRulesFull, FigRulesOne, FigHistorySteady,
		FigJiraIdle, FigBackfillJira, FigBackfillAds, FigBackfillSearch, FigRSSSteady, FigRSSBackfill} {
		f, ok := figs[name]
		if !ok {
			f = Figure{Name: name, Note: "skipped (-only)"}
			f.Unit, f.Goal = goalOf(name)
		}
		rep.Figures = append(rep.Figures, f)
	}
	return rep, nil
}

// goalOf is the unit and goal of a measured figure, for skipped ones.
func goalOf(name string) (unit, goal string) {
	switch name {
	case FigPingReply, FigPingAlert:
		return "s", "≤ 0.5"
	case FigRulesFull:
		return "s", "≤ 1"
	case FigRulesOne:
		return "ms", "≤ 10"
	case FigJiraIdle:
		return "÷", "≤ 1.05"
	case FigBackfillJira, FigBackfillAds, FigBackfillSearch:
		return "÷", "≤ 1.1"
	case FigRSSSteady:
		return "MB", "≤ 150"
	case FigRSSBackfill:
		return "MB", "≤ 300"
	default:
		return "calls", "≤ 0"
	}
}

// le is a figure whose goal is at most goal.
func le(name string, v float64, unit string, goal float64, note string) Figure {
	return Figure{Name: name, Value: &v, Unit: unit, Goal: fmt.Sprintf("≤ %g", goal), Met: v <= goal, Note: note}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
