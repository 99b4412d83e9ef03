package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// RSSOptions configure DaemonRSS.
type RSSOptions struct {
	// Scale is the fraction of the reference load the sandbox serves.
	Scale float64
	// Binary is the liaison executable to start; default os.Executable(),
	// which is right when `liaison bench` itself runs this.
	Binary string
	// Sample is how often the daemon's memory is read; default 250 ms.
	Sample time.Duration
	// Steady is the least time the steady stretch lasts; default 150 s,
	// long enough for an idle Jira pull (every 2 minutes) besides the full
	// rule run a reload causes.
	Steady time.Duration
	// Limit bounds the whole measurement; default 90 minutes.
	Limit time.Duration
	// ExtraConfig is appended under the written config's server: block,
	// e.g. "  memory_limit: off\n". The daemon always serves pprof on
	// loopback, so that it can be profiled while it is measured.
	ExtraConfig string
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// RSSResult is a daemon's resident memory through its first backfill and
// over a steady stretch of idle cycles afterwards, in MB (10⁶ bytes).
type RSSResult struct {
	// Backfill is the peak (VmHWM) from the start until the first Jira
	// pull, Google pull and the full rule run after them are done.
	Backfill float64
	// BackfillTime is how long that took.
	BackfillTime time.Duration
	// SteadyMax and SteadyMedian are over the steady stretch: the largest
	// VmRSS sample (or the peak the kernel saw, if larger) and the median
	// sample.
	SteadyMax, SteadyMedian float64
	// SteadyTime is the steady stretch's length.
	SteadyTime time.Duration
	// SteadyRuns counts the task runs over the steady stretch, by task.
	SteadyRuns map[string]int
	// Samples is how many times VmRSS was read.
	Samples int
	// Unfinished, when not empty, says why the backfill did not finish
	// within RSSOptions.Limit: Backfill is then the peak until the limit,
	// and the steady figures are zero.
	Unfinished string
}

// DaemonRSS starts a sandbox at the scale's load in this process and the
// real daemon (`liaison run`) as a child against it, and samples the
// child's resident memory from /proc: through the first backfill (the
// Jira pull of every issue, the Slack catch-up of every channel, the
// Google pull of every account and site, and the full rule run that
// follows), then over a steady stretch of idle cycles that begins with a
// config reload, so that it includes a full rule run.
func DaemonRSS(ctx context.Context, o RSSOptions) (RSSResult, error) {
	var res RSSResult
	if o.Sample <= 0 {
		o.Sample = 250 * time.Millisecond
	}
	if o.Steady <= 0 {
		o.Steady = 150 * time.Second
	}
	if o.Limit <= 0 {
		o.Limit = 90 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return res, fmt.Errorf("finding the liaison binary: %w", err)
		}
		o.Binary = exe
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, o.Limit)
	defer cancel()

	dir, err := tempDir()
	if err != nil {
		return res, err
	}
	defer removeAll(dir)
	// Slack's per-method tiers would stretch the catch-up of 2,000
	// channels over 40 minutes without changing what the daemon holds.
	sb, err := sandbox.NewScaled(sandbox.Options{Clock: clock.Real{}, SlackRateLimits: slackfake.RateLimitsOff}, o.Scale)
	if err != nil {
		return res, fmt.Errorf("building the sandbox at scale %g: %w", o.Scale, err)
	}
	defer sb.Close()
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		return res, err
	}
	listen, err := freeAddr()
	if err != nil {
		return res, err
	}
	cfgPath, err := writeDaemonConfig(sb, base, dir, listen, "  pprof: true\n"+o.ExtraConfig)
	if err != nil {
		return res, err
	}
	logFile, err := os.Create(filepath.Join(dir, "liaison.log"))
	if err != nil {
		return res, fmt.Errorf("creating the daemon's log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(o.Binary, "run", "-config", cfgPath, "-log-level", "warn")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("starting the daemon: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer stopDaemon(cmd, exited)
	pid := cmd.Process.Pid
	o.Log.Info("daemon started against the sandbox", "pid", pid, "scale", o.Scale,
		"pprof", "http://"+listen+"/debug/pprof/")

	m := &daemonWatch{pid: pid, metrics: "http://" + listen + "/metrics", client: &http.Client{Timeout: 10 * time.Second}}
	began := time.Now()
	var samples []float64
	tick := time.NewTicker(o.Sample)
	defer tick.Stop()
	wait := func(done func(runs map[string]int) bool) (map[string]int, error) {
		next := time.Now()
		for {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("waiting for the daemon: %w (its log: %s)", ctx.Err(), tail(logFile.Name()))
			case err := <-exited:
				return nil, fmt.Errorf("the daemon exited: %v (its log: %s)", err, tail(logFile.Name()))
			case <-tick.C:
			}
			rss, _, err := procMemory(pid)
			if err != nil {
				return nil, err
			}
			samples = append(samples, rss)
			res.Samples++
			if time.Now().Before(next) {
				continue
			}
			next = time.Now().Add(time.Second)
			runs, err := m.runs(ctx)
			if err != nil {
				continue // not listening yet
			}
			if done(runs) {
				return runs, nil
			}
		}
	}
	// The backfill: the first pull of each upstream, then a rule run that
	// began after them (the first full run over everything stored).
	var pulled, last map[string]int
	_, err = wait(func(r map[string]int) bool {
		last = r
		if pulled == nil && r["jira.pull:ok"] > 0 && r["google.pull"] > 0 {
			pulled = r
		}
		return pulled != nil && r["rules"] >= pulled["rules"]+2
	})
	unfinished := err != nil && errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil && len(samples) > 0
	if err != nil && !unfinished {
		return res, err
	}
	_, hwm, err := procMemory(pid)
	if err != nil {
		return res, err
	}
	res.Backfill = max(hwm, slices.Max(samples))
	res.BackfillTime = time.Since(began)
	if unfinished {
		// Within the limit the daemon did not get through its backfill:
		// the peak so far is a lower bound, and there is no steady stretch.
		res.Unfinished = fmt.Sprintf("the backfill did not finish within %s (task runs, successful of all: %s)", o.Limit, runsText(last))
		return res, nil
	}
	o.Log.Info("backfill done", "rss_peak_mb", res.Backfill, "took", res.BackfillTime.Round(time.Second))

	// The steady stretch: a reload makes the next rule run a full one;
	// then idle cycles for at least o.Steady and until a Jira pull ran.
	samples = samples[:0]
	peakReset := resetPeak(pid)
	steadyFrom := time.Now()
	start, err := m.runs(ctx)
	if err != nil {
		return res, err
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		return res, fmt.Errorf("reloading the daemon: %w", err)
	}
	end, err := wait(func(r map[string]int) bool {
		return time.Since(steadyFrom) >= o.Steady && r["rules"] >= start["rules"]+2 && r["jira.pull"] > start["jira.pull"]
	})
	if err != nil {
		return res, err
	}
	_, hwm, err = procMemory(pid)
	if err != nil {
		return res, err
	}
	res.SteadyTime = time.Since(steadyFrom)
	res.SteadyRuns = map[string]int{}
	for k, v := range end {
		if d := v - start[k]; d > 0 && !strings.HasSuffix(k, ":ok") {
			res.SteadyRuns[k] = d
		}
	}
	res.SteadyMax = slices.Max(samples)
	if peakReset {
		res.SteadyMax = max(res.SteadyMax, hwm)
	}
	slices.Sort(samples)
	res.SteadyMedian = samples[len(samples)/2]
	o.Log.Info("steady stretch done", "rss_max_mb", res.SteadyMax, "rss_median_mb", res.SteadyMedian, "took", res.SteadyTime.Round(time.Second))
	return res, nil
}

// writeDaemonConfig writes the sandbox's agency config, and the answer
// base beside it, into dir for a daemon listening on listen.
func writeDaemonConfig(sb *sandbox.Sandbox, base, dir, listen, extra string) (string, error) {
	cfg, err := sb.Config(base, sandbox.ConfigOptions{DataDir: filepath.Join(dir, "data"), Listen: listen, FAQ: "faq.yaml"})
	if err != nil {
		return "", err
	}
	if extra != "" {
		line := "  listen: " + listen + "\n"
		cfg = []byte(strings.Replace(string(cfg), line, line+extra, 1))
	}
	if err := os.WriteFile(filepath.Join(dir, "faq.yaml"), configs.ExampleFAQ(), 0o600); err != nil {
		return "", fmt.Errorf("writing the answer base: %w", err)
	}
	path := filepath.Join(dir, "agency.yaml")
	if err := os.WriteFile(path, cfg, 0o600); err != nil {
		return "", fmt.Errorf("writing the daemon's config: %w", err)
	}
	return path, nil
}

// stopDaemon asks the daemon to stop, and kills it if it has not within
// 20 seconds.
func stopDaemon(cmd *exec.Cmd, exited <-chan error) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// daemonWatch reads a running daemon's task runs from its /metrics.
type daemonWatch struct {
	pid     int
	metrics string
	client  *http.Client
}

// runs counts the finished runs of each task (liaison_jobs_runs_total,
// every outcome; "task:ok" the successful ones).
func (w *daemonWatch) runs(ctx context.Context) (map[string]int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.metrics, nil)
	if err != nil {
		return nil, err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the daemon's metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading the daemon's metrics: %s", resp.Status)
	}
	return parseRuns(resp.Body)
}

// parseRuns sums liaison_jobs_runs_total by task from a Prometheus text
// exposition, and the successful runs under the task's name with ":ok".
func parseRuns(r io.Reader) (map[string]int, error) {
	out := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "liaison_jobs_runs_total{") {
			continue
		}
		labels, value, ok := strings.Cut(strings.TrimPrefix(line, "liaison_jobs_runs_total{"), "} ")
		if !ok {
			continue
		}
		var task string
		for _, kv := range strings.Split(labels, ",") {
			if v, ok := strings.CutPrefix(kv, `task="`); ok {
				task = strings.TrimSuffix(v, `"`)
			}
		}
		f, err := strconv.ParseFloat(strings.Fields(value)[0], 64)
		if err != nil || task == "" {
			continue
		}
		out[task] += int(f)
		if strings.Contains(labels, `outcome="success"`) {
			out[task+":ok"] += int(f)
		}
	}
	return out, sc.Err()
}

// procMemory reads a process's resident set (VmRSS) and its peak (VmHWM)
// from /proc/<pid>/status, in MB (10⁶ bytes).
func procMemory(pid int) (rss, hwm float64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("reading the daemon's memory: %w", err)
	}
	return parseStatus(string(data))
}

func parseStatus(s string) (rss, hwm float64, err error) {
	var seen int
	for _, line := range strings.Split(s, "\n") {
		name, v, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, 0, fmt.Errorf("reading the daemon's memory: unexpected %s line %q", name, line)
		}
		kb, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, 0, fmt.Errorf("reading the daemon's memory: %s: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb * 1024 / 1e6
		} else {
			hwm = kb * 1024 / 1e6
		}
		seen++
	}
	if seen != 2 {
		return 0, 0, errors.New("reading the daemon's memory: no VmRSS and VmHWM in /proc/<pid>/status")
	}
	return rss, hwm, nil
}

// resetPeak resets the kernel's peak resident set of pid (VmHWM) to its
// current one, so that the steady stretch's peak is its own. It reports
// whether the kernel took it; where it did not, only the samples count.
func resetPeak(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// freeAddr is a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// tail is the end of a log file, for an error message.
func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return strings.TrimSpace(string(data))
}

// measureRSS runs DaemonRSS for Run and sets its two figures.
func measureRSS(ctx context.Context, opts Options, set func(Figure)) error {
	opts.Log.Info("running the daemon against the sandbox for its memory", "scale", opts.Scale)
	r, err := DaemonRSS(ctx, RSSOptions{Scale: opts.Scale, Binary: opts.Binary, Log: opts.Log})
	if err != nil {
		return fmt.Errorf("measuring the daemon's memory: %w", err)
	}
	if r.Unfinished != "" {
		f := le(FigRSSBackfill, round1(r.Backfill), "MB", 300, "peak so far, a lower bound: "+r.Unfinished)
		f.Met = false
		set(f)
		set(Figure{Name: FigRSSSteady, Unit: "MB", Goal: "≤ 150", Note: "not measured: " + r.Unfinished})
		return nil
	}
	set(le(FigRSSBackfill, round1(r.Backfill), "MB", 300,
		fmt.Sprintf("VmHWM of `liaison run` through its first Jira, Slack and Google pulls and full rule run, %s", r.BackfillTime.Round(time.Second))))
	set(le(FigRSSSteady, round1(r.SteadyMax), "MB", 150,
		fmt.Sprintf("max VmRSS over %s of idle cycles after a reload (rule runs: %d, Jira pulls: %d); median %.1f MB",
			r.SteadyTime.Round(time.Second), r.SteadyRuns["rules"], r.SteadyRuns["jira.pull"], r.SteadyMedian)))
	return nil
}

// runsText is task runs as "jira.pull 0/3, rules 9/9", by task name.
func runsText(r map[string]int) string {
	var parts []string
	for k, n := range r {
		if !strings.HasSuffix(k, ":ok") {
			parts = append(parts, fmt.Sprintf("%s %d/%d", k, r[k+":ok"], n))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

func round1(v float64) float64 { return float64(int(v*10+0.5)) / 10 }
