package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// UsageError is a mistake in the command line or the seed file: the
// command should exit with its usage status (2) rather than a failure.
type UsageError struct{ Err error }

// Error returns the underlying message, which already names the file and line.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error (SeedErrors for a bad seed).
func (e *UsageError) Unwrap() error { return e.Err }

// Run is `liaison sandbox`: it parses args (the flags after the command
// name), starts the sandbox on the wall clock, writes the config and the
// recording when asked, replays the scenario's messages and serves until
// ctx ends. It prints the base URL and what to do next on stdout.
//
//	liaison sandbox [-addr 127.0.0.1:8089] [-seed FILE] [-record FILE]
//	                [-write-config FILE] [-data-dir DIR] [-listen :9090]
//	                [-events-url URL] [-scale 0.1]
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8089", "address to listen on (host:port; port 0 picks a free one)")
	seed := fs.String("seed", "", "scenario YAML file (default: the built-in sample agency)")
	record := fs.String("record", "", "append every HTTP exchange to FILE as JSON lines, secrets removed")
	writeConfig := fs.String("write-config", "", "write an agency config pointing at the sandbox to FILE")
	dataDir := fs.String("data-dir", "./liaison-sandbox-data", "store.data_dir of the written config")
	listen := fs.String("listen", ":9090", "server.listen of the written config")
	// The command line handles -background before Run (it starts another
	// process); it is declared here so that -h lists it.
	fs.Bool("background", false, "start in the background and return once -write-config's FILE is written; output goes to FILE's name with .log")
	eventsURL := fs.String("events-url", "", "deliver Slack events over HTTP (Events API) to this URL instead of Socket Mode")
	scale := fs.Float64("scale", 0, "serve the reference load at this scale instead of a scenario (1 = 2,000 clients, 200,000 issues; 0.1 a tenth); excludes -seed")
	slackLimits := fs.String("slack-rate-limits", "real", "real: Slack's per-method tiers apply; off: none (faults still do), e.g. for several replicas opening Socket Mode connections at once")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return &UsageError{Err: fmt.Errorf("sandbox: unexpected argument %q", fs.Arg(0))}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	if *scale != 0 && *seed != "" {
		return &UsageError{Err: errors.New("sandbox: -scale and -seed exclude each other")}
	}
	sc := SampleScenario()
	if *seed != "" {
		data, err := os.ReadFile(*seed)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("reading seed: %w", err)}
		}
		if sc, err = ParseScenario(*seed, data); err != nil {
			return &UsageError{Err: err}
		}
	}
	opts := Options{Clock: clock.Real{}, Logger: logger, Seed: sc, SlackEventsURL: *eventsURL}
	switch *slackLimits {
	case "real":
	case "off":
		opts.SlackRateLimits = slackfake.RateLimitsOff
	default:
		return &UsageError{Err: fmt.Errorf("sandbox: -slack-rate-limits must be real or off, not %q", *slackLimits)}
	}
	mode := "socket"
	if *eventsURL != "" {
		mode = "events"
	}
	if *record != "" {
		f, err := os.OpenFile(*record, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("opening recording: %w", err)
		}
		defer f.Close()
		opts.Record = f
	}
	var sb *Sandbox
	var err error
	if *scale != 0 {
		if *scale < 0 || *scale > 1 {
			return &UsageError{Err: fmt.Errorf("sandbox: -scale must be in (0, 1], not %g", *scale)}
		}
		sb, err = NewScaled(opts, *scale)
	} else {
		sb, err = New(opts)
	}
	if err != nil {
		var se SeedErrors
		if errors.As(err, &se) {
			return &UsageError{Err: err}
		}
		return err
	}
	defer sb.Close()
	base, err := sb.Start(*addr)
	if err != nil {
		return err
	}
	sc = sb.Scenario()
	fmt.Fprintf(stdout, "liaison sandbox: %s (%d people, %d clients, %d issues, %d messages to replay)\n",
		base, len(sc.People), len(sc.Clients), len(sb.Jira().Issues()), len(sc.Messages))
	fmt.Fprintf(stdout, "  inspect: %s/_sandbox/slack/messages  %s/_sandbox/jira/issues\n", base, base)
	if *writeConfig != "" {
		cfg, err := sb.Config(base, ConfigOptions{DataDir: *dataDir, Listen: *listen, SlackMode: mode, FAQ: "faq.yaml"})
		if err != nil {
			return err
		}
		// The answer base lives beside the config, as agency.faq says.
		faqPath := filepath.Join(filepath.Dir(*writeConfig), "faq.yaml")
		if err := os.WriteFile(faqPath, configs.ExampleFAQ(), 0o600); err != nil {
			return fmt.Errorf("writing the answer base: %w", err)
		}
		if err := writeAtomic(*writeConfig, cfg); err != nil {
			return fmt.Errorf("writing config: %w", err)
		}
		abs, _ := filepath.Abs(*writeConfig)
		fmt.Fprintf(stdout, "  config:  %s\n  run:     liaison run -config %s\n", abs, abs)
	}
	if err := sb.Replay(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// writeAtomic writes data to path through a temporary file and a rename,
// so that whoever waits for path (`sandbox -background`, a script) never
// reads half a config.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
