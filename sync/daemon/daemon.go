// Package daemon runs Liaison as a long-lived process: it opens the state
// store, schedules connector pulls, rule runs and deliveries on the job engine,
// serves /healthz, /readyz and /metrics, and swaps in a new configuration on
// reload without dropping what is running.
//
// The daemon owns wiring only; what a pull or a rule does lives in the
// connector and rule packages. Signals are main's business: it cancels the
// context for shutdown and calls Reload on SIGHUP.
package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/sync/store"
)

// Options configure a Daemon. ConfigPath is required; the rest have defaults.
type Options struct {
	// ConfigPath is the agency config file, re-read on Reload.
	ConfigPath string
	// Config is the config already loaded from ConfigPath; when nil, New loads it.
	Config *configs.Config
	// DataDir overrides store.data_dir from the config when set.
	DataDir string
	// Listen overrides server.listen from the config when set.
	Listen string
	// ShutdownTimeout bounds a graceful shutdown; default 10 s.
	ShutdownTimeout time.Duration
	// Logger receives structured logs; default slog.Default().
	Logger *slog.Logger
	// Clock is the time source for jobs and rules; default the wall clock.
	Clock clock.Clock
	// Version is reported in liaison_build_info.
	Version string
	// DryRun logs every write to Slack, Jira and Google Sheets instead of sending it.
	DryRun bool
	// Owner names this replica in outbox leases; default "liaison" on
	// SQLite, and host, pid and a random suffix on PostgreSQL, where
	// replicas must differ.
	Owner string
	// LoadOptions are passed to configs.Load (tests inject the environment).
	LoadOptions []configs.Option
}

// Daemon is one running Liaison process. Create it with New, then Run it.
type Daemon struct {
	opts  Options
	log   *slog.Logger
	clock clock.Clock
	reg   *prometheus.Registry
	m     *metrics

	cfg   atomic.Pointer[configs.Config]
	ready atomic.Bool
	// app is the running App once Run has built it; /healthz and /readyz
	// ask it about the store and the upstreams.
	app atomic.Pointer[App]

	reloadMu sync.Mutex
	addrCh   chan string
}

// New loads and validates the config and prepares metrics. It opens nothing:
// Run does, so that a bad config fails before any state is touched.
func New(opts Options) (*Daemon, error) {
	if opts.ConfigPath == "" {
		return nil, errors.New("daemon: no config path")
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	cfg := opts.Config
	if cfg == nil {
		var err error
		if cfg, err = configs.Load(opts.ConfigPath, opts.LoadOptions...); err != nil {
			return nil, err
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	d := &Daemon{
		opts:   opts,
		log:    opts.Logger,
		clock:  opts.Clock,
		reg:    reg,
		m:      newMetrics(reg, opts.Version),
		addrCh: make(chan string, 1),
	}
	d.cfg.Store(cfg)
	d.m.configLoaded(cfg, d.clock.Now())
	return d, nil
}

// Config returns the configuration in force. It is never nil after New.
func (d *Daemon) Config() *configs.Config { return d.cfg.Load() }

// Registry is the Prometheus registry served on /metrics; components register
// their collectors on it.
func (d *Daemon) Registry() *prometheus.Registry { return d.reg }

// Addr returns the address the HTTP server listens on, once it does; it
// blocks until then or until ctx is done. Tests listen on port 0 and ask.
func (d *Daemon) Addr(ctx context.Context) (string, error) {
	select {
	case a := <-d.addrCh:
		d.addrCh <- a
		return a, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (d *Daemon) notReadyReason() string {
	app := d.app.Load()
	if !d.ready.Load() || app == nil {
		return "starting: state store not open yet"
	}
	return notReady(app.Upstreams())
}

// Run opens the state store, starts the job engine and the HTTP server, and
// blocks until ctx is cancelled; then it shuts everything down within
// Options.ShutdownTimeout. It returns the first error that stopped it, or nil
// after a clean shutdown.
func (d *Daemon) Run(ctx context.Context) error {
	cfg := d.Config()
	listenAddr := d.opts.Listen
	if listenAddr == "" {
		listenAddr = cfg.Server.Listen
	}

	st, err := openStore(ctx, cfg, StoreOptions{DataDir: d.opts.DataDir, Logger: d.log, Clock: d.clock})
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			d.log.Error("closing state store", "err", err)
		}
	}()

	owner := d.opts.Owner
	if owner == "" {
		owner = LeaseOwner(cfg)
	}
	app, err := NewApp(d.Config, st.Store, AppOptions{
		Logger: d.log, Clock: d.clock, Registerer: d.reg, DryRun: d.opts.DryRun, Owner: owner,
	})
	if err != nil {
		return err
	}
	d.app.Store(app)
	eng, err := d.startJobs(ctx, st, app.Tasks())
	if err != nil {
		return err
	}

	mux := d.newMux(d.reg)
	stopReceivers := app.Mount(mux, func() {
		if err := eng.RunNow(context.WithoutCancel(ctx), "jira.pull"); err != nil {
			d.log.Error("queueing a jira pull after a webhook", "err", err)
		}
	})
	srv, err := listen(listenAddr, mux)
	if err != nil {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.opts.ShutdownTimeout)
		defer cancel()
		_ = eng.Stop(stopCtx)
		stopReceivers(stopCtx)
		return err
	}
	slackCtx, stopSlack := context.WithCancel(ctx)
	slackDone := make(chan struct{})
	go func() {
		defer close(slackDone)
		if err := app.RunSlack(slackCtx); err != nil && slackCtx.Err() == nil {
			// Whether alerts still go out depends on the bot token, which
			// the upstream state knows: say only what is certain.
			app.up.failed("slack", fmt.Errorf("receiving events: %w", err), d.clock.Now())
			d.log.Error("slack events stopped: client messages and buttons are not received until a restart", "err", err)
		}
	}()
	deliverDone := make(chan struct{})
	go func() {
		defer close(deliverDone)
		if err := app.RunDelivery(slackCtx); err != nil {
			d.log.Error("delivery loop stopped", "err", err)
		}
	}()
	d.addrCh <- srv.addr()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.serve() }()

	d.ready.Store(true)
	d.log.Info("liaison started",
		"version", d.opts.Version,
		"agency", cfg.Agency.Name,
		"listen", srv.addr(),
		"store", cfg.Store.Driver,
		st.where,
		"people", len(cfg.People),
		"clients", len(cfg.Clients),
	)
	d.reportConnectors(nil, cfg)
	for _, f := range cfg.FeaturesOff() {
		d.log.Info("feature off", "reason", f)
	}
	go app.CheckUpstreams(ctx)

	var runErr error
	select {
	case <-ctx.Done():
		d.log.Info("shutting down", "reason", context.Cause(ctx))
	case runErr = <-serveErr:
		d.log.Error("http server stopped", "err", runErr)
	}
	d.ready.Store(false)

	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.opts.ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := srv.shutdown(stopCtx); err != nil {
		errs = append(errs, err)
	}
	stopSlack()
	stopReceivers(stopCtx)
	for _, done := range []chan struct{}{slackDone, deliverDone} {
		select {
		case <-done:
		case <-stopCtx.Done():
		}
	}
	if err := eng.Stop(stopCtx); err != nil {
		errs = append(errs, fmt.Errorf("stopping job engine: %w", err))
	}
	if runErr != nil {
		errs = append(errs, runErr)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	d.log.Info("liaison stopped")
	return nil
}

// Reload re-reads the config file. A config that fails to load or validate is
// rejected: its problems are logged and returned, and the old config stays in
// force. Settings that only take effect at start (listen address, store) are
// reported as needing a restart.
func (d *Daemon) Reload() error {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	now := d.clock.Now()
	if app := d.app.Load(); app != nil {
		app.engine.ReleaseCopies()
	}
	next, err := configs.Load(d.opts.ConfigPath, d.opts.LoadOptions...)
	if err != nil {
		d.m.reloadFailed(now)
		d.log.Error("config reload rejected; keeping the running config",
			"file", d.opts.ConfigPath, "err", err)
		d.audit("config.reload_rejected", fmt.Sprintf("file=%s", d.opts.ConfigPath), now)
		return fmt.Errorf("reloading config: %w", err)
	}
	prev := d.Config()
	if prev.Server.Listen != next.Server.Listen {
		d.log.Warn("server.listen changed; takes effect after a restart",
			"running", prev.Server.Listen, "new", next.Server.Listen)
	}
	if prev.Store != next.Store {
		d.log.Warn("store settings changed; take effect after a restart")
	}
	d.cfg.Store(next)
	d.m.configLoaded(next, now)
	d.log.Info("config reloaded", "file", d.opts.ConfigPath,
		"people", len(next.People), "clients", len(next.Clients))
	d.audit("config.reload", fmt.Sprintf("file=%s people=%d clients=%d", d.opts.ConfigPath, len(next.People), len(next.Clients)), now)
	d.reportConnectors(prev, next)
	return nil
}

// audit records a reload in the audit log, for `liaison audit`; a failure
// to record it is logged and changes nothing else.
func (d *Daemon) audit(action, detail string, now time.Time) {
	app := d.app.Load()
	if app == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := app.st.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: "sighup", Action: action, Detail: detail}); err != nil {
		d.log.Warn("recording a reload in the audit log", "err", err)
	}
}

// reportConnectors logs each connector that is not configured, once at start
// and again on reload only when its state changed, so logs don't repeat it
// every cycle.
func (d *Daemon) reportConnectors(prev, next *configs.Config) {
	was := map[string]string{}
	if prev != nil {
		for _, c := range connectorStates(prev) {
			was[c.name] = c.reason
		}
	}
	for _, c := range connectorStates(next) {
		d.m.connectorConfigured.WithLabelValues(c.name).Set(boolFloat(c.reason == ""))
		old, seen := was[c.name]
		if prev != nil && seen && old == c.reason {
			continue
		}
		if c.reason != "" {
			d.log.Warn("connector not configured; skipping it", "connector", c.name, "reason", c.reason)
		} else if prev != nil {
			d.log.Info("connector configured", "connector", c.name)
		}
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// LeaseOwner is the default outbox lease owner for a process using cfg's
// store: empty (the App's "liaison") on SQLite, where one process owns the
// data, and a name unique among live replicas on PostgreSQL, where a shared
// owner would let one replica finish a delivery another holds.
func LeaseOwner(cfg *configs.Config) string {
	if cfg.Store.Driver != configs.DriverPostgres {
		return ""
	}
	// The host and pid tell an operator which process holds a delivery; the
	// random suffix keeps apart two containers that both run as pid 1.
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "liaison"
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
