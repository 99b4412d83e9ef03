package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// TestSlackRetryAfterRestartHandledOnce: a Slack event reaches `liaison
// run`, which handles it and is restarted; Slack's retry of the same event
// (its first answer was lost) reaches the next process on the same data
// dir, which must skip it as already handled, and still handle a new one.
func TestSlackRetryAfterRestartHandledOnce(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	_ = ln.Close()
	cfg := filepath.Join(dir, "c.yaml")
	sb := exec.Command(liaisonBin, "sandbox", "-addr", "127.0.0.1:0", "-write-config", cfg,
		"-data-dir", filepath.Join(dir, "state"), "-listen", listen, "-events-url", "http://"+listen+"/slack/events")
	sb.Stdout, sb.Stderr = &syncBuffer{}, &syncBuffer{}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Process.Signal(syscall.SIGTERM); _ = sb.Wait() })
	waitForFile(t, cfg)

	const id = "Ev0RESTARTRETRY"
	first, firstLogs := startRun(t, cfg, listen)
	postSlackEvent(t, listen, id, 0)
	// A restart (a deploy): on SIGTERM the receiver finishes what it
	// acknowledged, so the event is handled before the process exits.
	stopRun(t, first, firstLogs)

	second, secondLogs := startRun(t, cfg, listen)
	postSlackEvent(t, listen, id, 1)
	postSlackEvent(t, listen, "Ev0FRESH", 0)
	stopRun(t, second, secondLogs)

	if strings.Contains(firstLogs.String(), "already handled") {
		t.Errorf("the first process skipped the event; logs:\n%s", firstLogs)
	}
	skipped := regexp.MustCompile(`already handled by an earlier run[^\n]*` + id)
	if !skipped.MatchString(secondLogs.String()) {
		t.Errorf("the second process did not skip the retry as already handled; logs:\n%s", secondLogs)
	}
	if regexp.MustCompile(`already handled[^\n]*Ev0FRESH`).MatchString(secondLogs.String()) {
		t.Errorf("a new event was skipped; logs:\n%s", secondLogs)
	}
}

// startRun starts `liaison run` on cfg at debug level and waits until it
// answers /readyz on listen.
func startRun(t *testing.T, cfg, listen string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(liaisonBin, "run", "-config", cfg, "-log-format", "json", "-log-level", "debug")
	cmd.Env = os.Environ()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	logs := &syncBuffer{}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			logs.WriteLine(sc.Text())
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get("http://" + listen + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, logs
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("liaison run not ready on %s; logs:\n%s", listen, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopRun sends SIGTERM and waits for a clean exit.
func stopRun(t *testing.T, cmd *exec.Cmd, logs *syncBuffer) {
	t.Helper()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("liaison run exit: %v; logs:\n%s", err, logs)
	}
}

// postSlackEvent sends a signed message event with id, as Slack's Events
// API does (retry > 0 adds the retry headers), and expects 200.
func postSlackEvent(t *testing.T, listen, id string, retry int) {
	t.Helper()
	body := []byte(fmt.Sprintf(`{"token":"x","team_id":%q,"api_app_id":%q,"type":"event_callback","event_id":%q,
	 "event_time":1700000000,"event":{"type":"message","channel":"C0NOTACLIENT","user":%q,"text":"hi","ts":"1700000000.000300","event_ts":"1700000000.000300"}}`,
		slackfake.TeamID, slackfake.AppID, id, slackfake.AMUserID))
	now := time.Now().Unix()
	req, err := http.NewRequest(http.MethodPost, "http://"+listen+"/slack/events", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("X-Slack-Signature", slackfake.Sign(slackfake.DefaultSigningSecret, now, body))
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("posting %s: %v", id, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("posting %s (retry %d): %d", id, retry, resp.StatusCode)
	}
}
