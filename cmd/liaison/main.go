// Command liaison is the account department's daemon: it watches Jira, Slack
// and Google for an agency, applies the agency's rules and tells account
// managers what needs them. See README.md.
//
// This file holds only what a command needs: subcommands, flags, signals and
// logging. Everything else lives in the packages it calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	// CA roots and time zones travel inside the binary, so that it runs in an
	// empty container (distroless/scratch) with nothing but its config.
	_ "golang.org/x/crypto/x509roots/fallback"
	_ "time/tzdata"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/sync/daemon"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

const defaultConfigPath = "/etc/liaison/agency.yaml"

// Exit codes: 2 means "your input is wrong" (usage or config), 1 anything else.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: liaison <command> [flags]

commands:
  demo          play a day at a sample agency against built-in fakes; writes ./liaison-demo/index.html
  run           run the daemon (-config FILE)
  check-config  validate a config and list every problem (-config FILE)
  sync --once   one cycle: pull, evaluate rules, deliver what is due; then exit
  silence       add, list or expire silences (add|list|expire)
  report        build a client's report for a period (-client ID -period 2026-11 [-dry-run] [-force])
  invoices      build the finance invoice data for a month (-month 2026-11 [-dry-run])
  alerts list   what is pending, deferred or sent, to whom, when, and what it waits for
  audit         the audit log: silences, acknowledgements, reloads, sharing, redirects (-since 24h)
  faq test      rank a question against the answer base ("text" [-lang ru] [-v] [-learned] [-config FILE])
  faq eval      precision and recall of an answer base on labelled questions ([-faq FILE | -config FILE] [-threshold T] [-sweep] [-json] [-learned] FILE.tsv)
  faq learned   what the answer base learned from the AMs' clicks, from the running daemon ([-entry ID] [-json])
  faq forget    stop using learned phrasings (ID...)
  sandbox       serve fake Jira and Slack seeded with a sample agency (-addr, -seed, -record, -write-config, -background; -scale 0.1 for the reference load)
  healthcheck   probe the running daemon's /healthz at the config's server.listen (container HEALTHCHECK)
  bench         measure the reference load in the sandbox, each figure beside its goal ([-scale 0.1|1] [-only ping,rules,history] [-json])
  migrate-store copy the state into an empty store of the other kind (-from sqlite:DIR -to postgres://… or back)
  version       print the version

Run 'liaison <command> -h' for a command's flags.
`)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(rest, stderr)
	case "check-config":
		return cmdCheckConfig(rest, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(rest, stderr)
	case "sync":
		return cmdSync(rest, stdout, stderr)
	case "silence":
		return cmdSilence(rest, stdout, stderr)
	case "alerts":
		return cmdAlerts(rest, stdout, stderr)
	case "audit":
		return cmdAudit(rest, stdout, stderr)
	case "sandbox":
		return cmdSandbox(rest, stdout, stderr)
	case "demo":
		return cmdDemo(rest, stdout, stderr)
	case "faq":
		return cmdFAQ(rest, stdout, stderr)
	case "report":
		return cmdReport(rest, stdout, stderr)
	case "invoices":
		return cmdInvoices(rest, stdout, stderr)
	case "bench":
		return cmdBench(rest, stdout, stderr)
	case "migrate-store":
		return cmdMigrateStore(rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "liaison", buildVersion())
		return exitOK
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "liaison: unknown command %q\n\n", cmd)
		usage(stderr)
		return exitUsage
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			return info.Main.Version
		}
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

func configFlag(fs *flag.FlagSet) *string {
	def := defaultConfigPath
	if env := os.Getenv("LIAISON_CONFIG"); env != "" {
		def = env
	}
	return fs.String("config", def, "agency config `file` (env LIAISON_CONFIG)")
}

func cmdCheckConfig(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := configFlag(fs)
	printCfg := fs.Bool("print", false, "print the effective config with secrets redacted")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	cfg, err := configs.Load(*path)
	if err != nil {
		var probs configs.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				fmt.Fprintln(stdout, p.String())
			}
			fmt.Fprintf(stderr, "%s: %s\n", *path, problemCount(len(probs)))
			return exitUsage
		}
		fmt.Fprintf(stderr, "liaison: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "%s: ok (%d people, %d clients)\n", *path, len(cfg.People), len(cfg.Clients))
	for _, why := range cfg.Unconfigured() {
		fmt.Fprintf(stdout, "note: %s\n", why)
	}
	if note := cfg.Connections.Google.StorageNote(); note != "" {
		fmt.Fprintf(stdout, "note: %s\n", note)
	}
	for _, w := range cfg.FAQWarnings() {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	for _, off := range cfg.FeaturesOff() {
		fmt.Fprintf(stdout, "note: %s\n", off)
	}
	if *printCfg {
		out, err := cfg.RedactedYAML()
		if err != nil {
			fmt.Fprintf(stderr, "liaison: %v\n", err)
			return exitFailed
		}
		_, _ = stdout.Write(out)
	}
	return exitOK
}

func cmdRun(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := configFlag(fs)
	dataDir := fs.String("data-dir", os.Getenv("LIAISON_DATA_DIR"), "state `dir` (overrides store.data_dir; env LIAISON_DATA_DIR)")
	listen := fs.String("listen", "", "HTTP `address` for /healthz, /readyz, /metrics (overrides server.listen)")
	logFormat := fs.String("log-format", "", "text or json (overrides log.format)")
	logLevel := fs.String("log-level", "", "debug, info, warn or error (overrides log.level)")
	shutdown := fs.Duration("shutdown-timeout", 10*time.Second, "bound on a graceful shutdown")
	dryRun := fs.Bool("dry-run", false, "log what would be written to Slack, Jira and Google Sheets instead of writing it")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}

	cfg, code := loadConfig(*path, stderr)
	if cfg == nil {
		return code
	}
	format, level := pick(*logFormat, cfg.Log.Format), pick(*logLevel, cfg.Log.Level)
	log := newLogger(stderr, format, level)
	applyMemoryLimit(cfg, log)
	d, err := daemon.New(daemon.Options{
		ConfigPath:      *path,
		Config:          cfg,
		DataDir:         *dataDir,
		Listen:          *listen,
		ShutdownTimeout: *shutdown,
		Logger:          log,
		Version:         buildVersion(),
		DryRun:          *dryRun,
	})
	if err != nil {
		log.Error("not starting", "err", err)
		return exitFailed
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				log.Info("SIGHUP: reloading config", "file", *path)
				_ = d.Reload() // a rejected config is logged; the old one keeps running
			case <-ctx.Done():
				return
			}
		}
	}()

	if err := d.Run(ctx); err != nil {
		log.Error("liaison stopped with an error", "err", err)
		return exitFailed
	}
	return exitOK
}

func cmdSandbox(args []string, stdout, stderr io.Writer) int {
	if rest, bg := cutBackground(args); bg {
		return sandboxBackground(rest, stdout, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err := sandbox.Run(ctx, args, stdout, stderr, newLogger(stderr, "text", "info"))
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "liaison sandbox: %v\n", err)
	if errors.As(err, new(*sandbox.UsageError)) {
		return exitUsage
	}
	return exitFailed
}

// loadConfig loads the config for a command that needs a valid one. On a
// problem it prints every problem (or the reason) and returns nil with the
// exit code to use.
func loadConfig(path string, stderr io.Writer) (*configs.Config, int) {
	cfg, err := configs.Load(path)
	if err == nil {
		return cfg, exitOK
	}
	var probs configs.Problems
	if errors.As(err, &probs) {
		for _, p := range probs {
			fmt.Fprintln(stderr, p.String())
		}
		fmt.Fprintf(stderr, "liaison: %s is invalid (%s); not starting\n", path, problemCount(len(probs)))
		return nil, exitUsage
	}
	fmt.Fprintf(stderr, "liaison: %v\n", err)
	return nil, exitUsage
}

// problemCount says "1 problem" or "3 problems".
func problemCount(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil || level == "" {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func cmdHealthcheck(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := addAdminFlags(fs)
	timeout := fs.Duration("timeout", 3*time.Second, "probe timeout")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	// /healthz asks the state store; it follows server.listen in the
	// config, so the container's HEALTHCHECK needs no port of its own.
	url := admin.base() + "/healthz"
	if strings.HasSuffix(*admin.url, "/healthz") {
		url = *admin.url
	}
	client := &http.Client{Timeout: *timeout}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "liaison: healthcheck: %v\n", err)
		return exitFailed
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		fmt.Fprintf(stderr, "liaison: healthcheck: %s answered %s: %s\n", url, resp.Status, strings.TrimSpace(string(body)))
		return exitFailed
	}
	return exitOK
}
