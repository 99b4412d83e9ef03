package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// liaisonBin is built once per test run, the way the Dockerfile builds it:
// static, without cgo.
var liaisonBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "liaison-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	liaisonBin = filepath.Join(dir, "liaison")
	build := exec.Command("go", "build", "-trimpath", "-o", liaisonBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building liaison: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const exampleConfig = "../../configs/examples/agency.yaml"

func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(liaisonBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("binary has an ELF interpreter: it is dynamically linked and won't run on distroless/static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("binary links shared libraries %v", libs)
	}
}

func TestCheckConfigExample(t *testing.T) {
	out, code := runBin(t, nil, "check-config", "-config", exampleConfig)
	if code != 0 {
		t.Fatalf("check-config on the example exited %d:\n%s", code, out)
	}
	if !strings.Contains(out, "ok (") {
		t.Errorf("no ok line in:\n%s", out)
	}
}

// TestCheckConfigListsEveryProblem is the acceptance check: one file
// with four different mistakes gets all four reported, each with its line.
func TestCheckConfigListsEveryProblem(t *testing.T) {
	out, code := runBin(t, nil, "check-config", "-config", "testdata/four-problems.yaml")
	if code != 2 {
		t.Fatalf("exit code %d, want 2; output:\n%s", code, out)
	}
	want := []struct {
		line int
		re   string
	}{
		{lineOf(t, "testdata/four-problems.yaml", "favourite_colour"), `favourite_colour`},
		{lineOf(t, "testdata/four-problems.yaml", "Mars/Olympus_Mons"), `Mars/Olympus_Mons`},
		{lineOf(t, "testdata/four-problems.yaml", "account_manager: nobody"), `"nobody"`},
		{lineOf(t, "testdata/four-problems.yaml", "id: acme-ua # duplicate"), `duplicate`},
	}
	for _, w := range want {
		re := regexp.MustCompile(`(?m)^testdata/four-problems\.yaml:` + fmt.Sprint(w.line) + `:\d+: \S+: .*` + w.re)
		if !re.MatchString(out) {
			t.Errorf("no problem at line %d matching %q in:\n%s", w.line, w.re, out)
		}
	}
	if n := strings.Count(strings.TrimSpace(firstLines(out)), "\n") + 1; n != 4 {
		t.Errorf("got %d problem lines, want exactly 4:\n%s", n, out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	_, code := runBin(t, nil, "frobnicate")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}

// TestRunServesReloadsAndStops drives the real binary: it must answer
// /healthz, /readyz and /metrics, say which connectors are skipped, survive a
// bad config on SIGHUP, take a good one, and exit 0 within 5 s of SIGTERM.
func TestRunServesReloadsAndStops(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "agency.yaml")
	copyFile(t, exampleConfig, cfgPath)
	copyFile(t, filepath.Join(filepath.Dir(exampleConfig), "faq.yaml"), filepath.Join(dir, "faq.yaml"))

	cmd := exec.Command(liaisonBin, "run", "-config", cfgPath, "-data-dir", filepath.Join(dir, "state"),
		"-listen", "127.0.0.1:0", "-log-format", "json")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	logs := &syncBuffer{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addrCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`"listen":"([^"]+)"`)
		for sc.Scan() {
			logs.WriteLine(sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addrCh <- m[1]:
				default:
				}
			}
		}
	}()
	var addr string
	select {
	case addr = <-addrCh:
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon did not report its listen address; logs:\n%s", logs)
	}
	base := "http://" + addr

	if code, body := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz = %d %q", code, body)
	}
	// Without credentials no upstream is configured: the daemon runs, and
	// says it cannot do its work.
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "no upstream is configured") {
		t.Errorf("/readyz = %d %q, want 503 saying no upstream is configured", code, body)
	}
	// The connector gauges are set as the daemon reports its connectors,
	// which may come after the listener answers.
	waitFor(t, logs, `connector not configured`)
	code, metrics := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, series := range []string{"go_goroutines", "process_resident_memory_bytes", "liaison_build_info", `liaison_config_reloads_total{result="success"} 1`, "liaison_connector_configured"} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}

	// A broken config on SIGHUP is rejected and the daemon keeps serving.
	good, _ := os.ReadFile(cfgPath)
	if err := os.WriteFile(cfgPath, append(good, []byte("\nbogus_top_level_key: 1\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, logs, `config reload rejected`)
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("after a rejected reload /healthz = %d", code)
	}
	// A good one is taken.
	if err := os.WriteFile(cfgPath, good, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, logs, `config reloaded`)
	_, metrics = get(t, base+"/metrics")
	if !strings.Contains(metrics, `liaison_config_reloads_total{result="failure"} 1`) ||
		!strings.Contains(metrics, `liaison_config_reloads_total{result="success"} 2`) {
		t.Errorf("reload counters wrong:\n%s", grepLines(metrics, "liaison_config_reloads_total"))
	}
	// Both reloads are in the audit log, read over the loopback API.
	if out, code := runBin(t, nil, "audit", "-url", base, "-config", cfgPath); code != 0 ||
		!strings.Contains(out, "config.reload_rejected") || !strings.Contains(out, "config.reload ") {
		t.Errorf("audit after two reloads = %d:\n%s", code, out)
	}

	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; logs:\n%s", err, logs)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after SIGTERM; logs:\n%s", logs)
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	waitFor(t, logs, `liaison stopped`)
}

// TestSecondInstanceRefused: two daemons on one data dir would corrupt each
// other's cursors and outbox; the second must refuse with a clear message.
func TestSecondInstanceRefused(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	first := exec.Command(liaisonBin, "run", "-config", exampleConfig, "-data-dir", state, "-listen", "127.0.0.1:0")
	logs := &syncBuffer{}
	first.Stderr = logs
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Process.Kill(); _ = first.Wait() })
	waitFor(t, logs, "liaison started")

	out, code := runBin(t, nil, "run", "-config", exampleConfig, "-data-dir", state, "-listen", "127.0.0.1:0")
	if code == 0 {
		t.Fatalf("second instance exited 0")
	}
	if !strings.Contains(out, state) || !strings.Contains(strings.ToLower(out), "in use") {
		t.Errorf("second instance's error does not name the data dir as in use:\n%s", out)
	}
}

func runBin(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, liaisonBin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("running liaison %v: %v", args, err)
	}
	return string(out), 0
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitFor(t *testing.T, logs *syncBuffer, substr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(logs.String(), substr) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("log never said %q; logs:\n%s", substr, logs)
}

func lineOf(t *testing.T, path, substr string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, substr) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line containing %q", path, substr)
	return 0
}

// firstLines keeps the FILE:LINE:COL problem lines of check-config's output.
func firstLines(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if regexp.MustCompile(`^\S+:\d+:\d+: `).MatchString(l) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func grepLines(s, substr string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
	b.buf.WriteByte('\n')
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
