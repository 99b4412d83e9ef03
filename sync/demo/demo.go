// Package demo is `liaison demo`: it runs the sandbox's sample agency and
// Liaison against it in one process, on a simulated clock, through one
// working day, then tells what Liaison saw and did — as a time-ordered text
// transcript and as a self-contained HTML page that draws the Slack
// conversations the way Slack would.
//
// Everything it reports is read back from where it happened: the Slack and
// Jira fakes' final state and the store's delivery records, never from logs.
// It needs no credentials and talks to nothing but the loopback interface.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"
	_ "time/tzdata" // the sample's zones must not depend on the machine's zoneinfo

	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/sync/demo/page"
)

// DefaultOut is where the page is written when Options.Out is empty.
const DefaultOut = "liaison-demo"

// DefaultDuration is how much simulated time a run covers: from before the
// Kyiv account manager's day to after the Almaty one's has ended.
const DefaultDuration = 12 * time.Hour

// Options configure a run.
type Options struct {
	// Out is the directory index.html is written to; created when missing.
	Out string
	// Stdout receives the transcript; nil prints nothing.
	Stdout io.Writer
	// Start is the simulated start; zero means DefaultStart(time.Now()).
	Start time.Time
	// Duration is how much simulated time passes; zero means DefaultDuration.
	Duration time.Duration
	// Logger receives the components' diagnostics; nil discards them.
	Logger *slog.Logger
	// Seed is the scenario the sandbox plays (people, clients, issues,
	// messages); nil means the sample agency.
	Seed *sandbox.Scenario
	// Agency, when set, is an agency config file's contents: its people,
	// clients, rules and delivery are played instead of those the sandbox
	// derives from Seed, with its connections, store and server replaced by
	// the sandbox's. AgencyPath names it in problems and is where faq: and
	// other relative paths are read from.
	Agency     []byte
	AgencyPath string
}

// Result is what a run produced.
type Result struct {
	// Agency is the sample agency's name.
	Agency string
	// Start and End bound the simulated period, in the agency's zone.
	Start, End time.Time
	// Transcript is the time-ordered account of what Liaison saw and did.
	Transcript []page.Entry
	// Summary holds the run's figures, in display order.
	Summary []page.Stat
	// Counts are the same figures by kind, for callers that check them.
	Counts Counts
	// Page is the path of the written index.html.
	Page string
	// Elapsed is the wall time the run took.
	Elapsed time.Duration
}

// Counts are the figures of a run.
type Counts struct {
	ClientMessages int // messages by clients Liaison saw
	Alerts         int // messages Liaison posted to people (DMs and channels)
	Deferred       int // alerts held back until the recipient's working hours
	Redirects      int // thread replies Liaison posted to clients
	Resolved       int // alerts later updated as resolved
	JiraTasks      int // Jira issues Liaison created
	PrivateNotes   int // ephemeral notes only their reader sees (to a specialist)
	Suggestions    int // answers from the base suggested to an AM
	Answers        int // suggested answers the AM posted to the client
}

// Run plays the demo day and writes DIR/index.html. It returns once the
// simulated day is over and everything it started has stopped.
func Run(ctx context.Context, opts Options) (Result, error) {
	began := time.Now()
	if opts.Out == "" {
		opts.Out = DefaultOut
	}
	if opts.Start.IsZero() {
		opts.Start = DefaultStart(time.Now())
	}
	if opts.Duration <= 0 {
		opts.Duration = DefaultDuration
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return Result{}, fmt.Errorf("creating output directory: %w", err)
	}
	stateDir, err := os.MkdirTemp("", "liaison-demo-state-")
	if err != nil {
		return Result{}, fmt.Errorf("creating state directory: %w", err)
	}
	defer os.RemoveAll(stateDir)

	w, err := newWorld(ctx, opts, stateDir)
	if err != nil {
		return Result{}, err
	}
	end := opts.Start.Add(opts.Duration)
	runErr := w.play(ctx, end)
	var st state
	var sheets []sheet
	if runErr == nil {
		st, runErr = w.collect(ctx, end)
	}
	var published []page.Entry
	if runErr == nil {
		sheets, runErr = w.buildSheets(ctx, end)
	}
	if runErr == nil {
		published, runErr = w.publishSheets(ctx, end, sheets)
	}
	if runErr == nil {
		var ready []page.Entry
		ready, runErr = w.finalRuns(ctx, end)
		published = append(published, ready...)
	}
	if err := w.close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return Result{}, runErr
	}

	res := Result{Agency: st.dir.agency, Start: opts.Start.In(st.dir.agencyTZ), End: end.In(st.dir.agencyTZ)}
	res.Transcript, res.Counts = st.transcript()
	res.Transcript = append(res.Transcript, published...)
	res.Summary = res.Counts.stats()
	res.Page = filepath.Join(opts.Out, "index.html")
	res.Transcript = append(res.Transcript, commentaryEntries(sheets, end, st.dir.agencyTZ)...)
	p := st.page(res)
	links, err := writeSheets(opts.Out, sheets)
	if err != nil {
		return Result{}, err
	}
	p.Sections = append(p.Sections, links)
	if err := writePage(res.Page, p); err != nil {
		return Result{}, err
	}
	res.Elapsed = time.Since(began)
	if opts.Stdout != nil {
		if err := WriteTranscript(opts.Stdout, res); err != nil {
			return Result{}, fmt.Errorf("printing the transcript: %w", err)
		}
	}
	return res, nil
}

func writePage(path string, p page.Page) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing the page: %w", err)
	}
	if err := page.Render(f, p); err != nil {
		f.Close()
		return fmt.Errorf("rendering the page: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the page: %w", err)
	}
	return nil
}

// DefaultStart is the start of a run begun at now: 07:30 in Kyiv on the
// next Monday, before the Kyiv account manager starts at 09:00 so that the
// first alerts visibly wait for her working hours, and on the day the head's
// weekly workload digest goes out.
func DefaultStart(now time.Time) time.Time {
	kyiv := mustZone("Europe/Kyiv")
	d := now.In(kyiv)
	day := time.Date(d.Year(), d.Month(), d.Day(), 7, 30, 0, 0, kyiv)
	// A Monday, so that the head's weekly workload digest is part of the day.
	for {
		day = day.AddDate(0, 0, 1)
		if day.Weekday() == time.Monday && !sampleHoliday(day) {
			return day
		}
	}
}

// sampleHoliday reports the sample agency's fixed public holidays, so that
// the demo day is a working day for everyone.
func sampleHoliday(t time.Time) bool {
	_, m, d := t.Date()
	return m == time.December && d == 25 || m == time.January && d == 1
}

// errStalled is returned when the app does not take in what Slack sent it
// within the real-time bound of a step.
var errStalled = errors.New("the daemon did not receive slack's events in time")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The binary embeds time/tzdata; a missing zone is a build mistake.
		panic(fmt.Sprintf("demo: loading time zone %s: %v", name, err))
	}
	return loc
}
