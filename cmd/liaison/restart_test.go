package main

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRestartAfterKillWorksAtOnce is the crash-looping daemon on SQLite:
// `liaison run` against the sandbox is SIGKILLed right after it starts
// working, and its successor on the same data dir does its first job
// within 2 s of being started, instead of waiting out the dead process's
// job-engine lease. Five kills in a row, each successor killed in turn.
//
//	go test -run TestRestartAfterKillWorksAtOnce -v ./cmd/liaison/
func TestRestartAfterKillWorksAtOnce(t *testing.T) {
	const kills = 5
	const bound = 2 * time.Second
	dir := t.TempDir()
	_, cfg := startSandbox(t, dir)
	var worst time.Duration
	for i := range kills + 1 {
		logs := &syncBuffer{}
		run := exec.Command(liaisonBin, "run", "-config", cfg, "-listen", "127.0.0.1:0", "-log-level", "debug")
		run.Env = []string{"PATH=/usr/bin:/bin"}
		run.Stderr = logs
		started := time.Now()
		if err := run.Start(); err != nil {
			t.Fatal(err)
		}
		firstWork := waitForWithin(t, logs, "task succeeded", 20*time.Second)
		took := firstWork.Sub(started)
		if i > 0 {
			worst = max(worst, took)
			if !strings.Contains(logs.String(), "took over from a process") {
				t.Errorf("restart %d: no take-over logged; logs:\n%s", i, logs)
			}
			if took > bound {
				t.Errorf("restart %d: first work %s after start, want within %s; logs:\n%s", i, took.Round(time.Millisecond), bound, logs)
			}
		}
		t.Logf("process %d: first work %s after start", i, took.Round(time.Millisecond))
		if err := run.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = run.Wait()
	}
	t.Logf("worst first work after a SIGKILL over %d restarts: %s", kills, worst.Round(time.Millisecond))
}

// waitForWithin waits for substr in logs and returns when it was seen.
func waitForWithin(t *testing.T, logs *syncBuffer, substr string, within time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if strings.Contains(logs.String(), substr) {
			return time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("log never said %q within %s; logs:\n%s", substr, within, logs)
	return time.Time{}
}
