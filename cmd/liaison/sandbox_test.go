package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

	"github.com/liaisonhq/liaison/connectors/sandbox/recordcheck"
)

// TestSandboxThenSyncOnce is the sandbox issue's acceptance check with real
// processes: `liaison sandbox -write-config` then `liaison sync --once`
// exits 0, the alerts are visible at /_sandbox/slack/messages, and an
// immediate second cycle posts nothing twice.
func TestSandboxThenSyncOnce(t *testing.T) {
	dir := t.TempDir()
	base, cfg := startSandbox(t, dir)

	out1, code := runBin(t, nil, "sync", "--once", "-config", cfg)
	if code != 0 {
		t.Fatalf("first sync --once exited %d:\n%s", code, out1)
	}
	first := botMessages(t, base)
	// The summary counts what the cycle pulled, found and delivered.
	for _, want := range []string{"pulled:    2 tasks", "findings:  2 opened, 0 updated, 0 resolved",
		"read in", "of it waiting for Slack's rate limits",
		fmt.Sprintf("delivered: %d message", len(first))} {
		if !strings.Contains(out1, want) {
			t.Errorf("sync --once output lacks %q:\n%s", want, out1)
		}
	}
	var all strings.Builder
	for _, m := range first {
		all.WriteString(m.Text + string(m.Blocks))
	}
	for _, key := range []string{"ACME-1", "ACME-2"} {
		if !strings.Contains(all.String(), key) {
			t.Errorf("no alert about %s at /_sandbox/slack/messages; bot posted %d messages", key, len(first))
		}
	}
	if out, code := runBin(t, nil, "sync", "--once", "-config", cfg); code != 0 {
		t.Fatalf("second sync --once exited %d:\n%s", code, out)
	}
	if second := botMessages(t, base); len(second) != len(first) {
		t.Errorf("second cycle changed the bot's messages from %d to %d", len(first), len(second))
	}

	// Everything Liaison said to Jira and Slack in those two cycles, as
	// recorded, must be what the vendors' specifications allow.
	checkRecording(t, base, dir)
}

// checkRecording checks the sandbox's recording in dir against the
// vendors' specs, when they are there.
func checkRecording(t *testing.T, base, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "rec.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := recordcheck.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := recordcheck.Check(base, recs)
	if errors.Is(err, recordcheck.ErrNoSpec) {
		t.Skipf("vendor specs unavailable: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("recorded exchange breaks the spec: %s", p)
	}
	if res.Jira == 0 || res.Slack == 0 {
		t.Errorf("checked %d Jira and %d Slack exchanges; the cycles made more", res.Jira, res.Slack)
	}
	t.Logf("checked %d Jira and %d Slack exchanges against the vendors' specs (%d outside them)", res.Jira, res.Slack, res.Skipped)
}

// startSandbox runs `liaison sandbox` with the always-on scenario,
// recording into dir/rec.jsonl, and returns its URL and written config.
func startSandbox(t *testing.T, dir string) (string, string) {
	t.Helper()
	return startSandboxWith(t, dir, "testdata/always-on.yaml")
}

// startSandboxWith is startSandbox seeded from the scenario file seed, with
// more sandbox flags.
func startSandboxWith(t *testing.T, dir, seed string, flags ...string) (string, string) {
	t.Helper()
	cfg := filepath.Join(dir, "c.yaml")
	args := append([]string{"sandbox", "-addr", "127.0.0.1:0", "-seed", seed,
		"-write-config", cfg, "-data-dir", filepath.Join(dir, "state"), "-record", filepath.Join(dir, "rec.jsonl")}, flags...)
	sb := exec.Command(liaisonBin, args...)
	out, err := sb.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sb.Stderr = os.Stderr
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Process.Signal(syscall.SIGTERM); _ = sb.Wait() })
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlCh <- m[1]:
				default:
				}
			}
		}
	}()
	var base string
	select {
	case base = <-urlCh:
	case <-time.After(30 * time.Second):
		t.Fatal("sandbox did not print its URL")
	}
	waitForFile(t, cfg)
	return base, cfg
}

// TestClientEditPlayedAgainstDaemon plays a client from outside, through
// the sandbox's routes, against `liaison run`: a message edited to ping a
// specialist gets the polite reply in its thread, as a new one would.
func TestClientEditPlayedAgainstDaemon(t *testing.T) {
	dir := t.TempDir()
	base, cfg := startSandbox(t, dir)
	run := exec.Command(liaisonBin, "run", "-config", cfg, "-listen", "127.0.0.1:0")
	run.Env = []string{"PATH=/usr/bin:/bin"}
	logs := &syncBuffer{}
	run.Stderr = logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Process.Signal(syscall.SIGTERM); _ = run.Wait() })

	var posted struct{ TS string }
	sandboxAct(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "acme", "user": "pat", "text": "Hi, a question about the keyword map"}`, &posted)
	sandboxAct(t, "PATCH", base+"/_sandbox/slack/messages/acme/"+posted.TS, `{"text": "<@sam> hi, a question about the keyword map"}`, nil)
	deadline := time.Now().Add(60 * time.Second)
	for {
		var msgs []struct {
			User     string `json:"user"`
			ThreadTS string `json:"thread_ts"`
			Text     string `json:"text"`
		}
		_, body := get(t, base+"/_sandbox/slack/messages?channel=acme")
		if err := json.Unmarshal([]byte(body), &msgs); err != nil {
			t.Fatal(err)
		}
		replied := false
		for _, m := range msgs {
			if m.ThreadTS == posted.TS && strings.Contains(m.Text, "Amy Manager") {
				replied = true
			}
		}
		if replied {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reply naming the AM in the edited message's thread; messages:\n%s\nlogs:\n%s", body, logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// What the daemon said to Slack and Jira meanwhile follows their specs.
	_ = run.Process.Signal(syscall.SIGTERM)
	_ = run.Wait()
	checkRecording(t, base, dir)
}

// sandboxAct calls one of the sandbox's routes that act as a person.
func sandboxAct(t *testing.T, method, url, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d: %s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

type sandboxMessage struct {
	Channel  string          `json:"channel"`
	User     string          `json:"user"`
	TS       string          `json:"ts"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks"`
	Metadata json.RawMessage `json:"metadata"`
}

// botMessages lists what Liaison posted, as the sandbox's inspection API shows it.
func botMessages(t *testing.T, base string) []sandboxMessage {
	t.Helper()
	code, body := get(t, base+"/_sandbox/slack/messages")
	if code != 200 {
		t.Fatalf("/_sandbox/slack/messages = %d", code)
	}
	var all []sandboxMessage
	if err := json.Unmarshal([]byte(body), &all); err != nil {
		t.Fatalf("decoding /_sandbox/slack/messages: %v\n%s", err, body)
	}
	var out []sandboxMessage
	for _, m := range all {
		if len(m.Metadata) > 0 && strings.Contains(string(m.Metadata), "liaison_delivery") {
			out = append(out, m)
		}
	}
	return out
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

// TestSandboxBackgroundWritesConfigFirst: `sandbox -background` returns
// only once its config is written, so the README's next command can read
// it at once; the sandbox keeps serving until killed.
func TestSandboxBackgroundWritesConfigFirst(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sandbox.yaml")
	out, code := runBin(t, nil, "sandbox", "-background", "-addr", "127.0.0.1:0", "-seed", "testdata/always-on.yaml",
		"-write-config", cfg, "-data-dir", filepath.Join(dir, "state"))
	m := regexp.MustCompile(`pid (\d+)`).FindStringSubmatch(out)
	if m != nil {
		pid, _ := strconv.Atoi(m[1])
		t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGTERM) })
	}
	if code != 0 || m == nil {
		t.Fatalf("sandbox -background = %d:\n%s", code, out)
	}
	if _, err := os.Stat(cfg); err != nil {
		t.Fatalf("config not there when the command returned: %v", err)
	}
	if out, code := runBin(t, nil, "check-config", "-config", cfg); code != 0 {
		t.Fatalf("the written config does not check:\n%s", out)
	}
	base := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)`).FindString(out)
	if code, _ := get(t, base+"/_sandbox/slack/messages"); code != 200 {
		t.Errorf("the background sandbox does not answer at %s: %d", base, code)
	}
	if _, err := os.Stat(filepath.Join(dir, "sandbox.log")); err != nil {
		t.Errorf("no log beside the config: %v", err)
	}
	if out, code := runBin(t, nil, "sandbox", "-background", "-addr", "127.0.0.1:0"); code != 2 || !strings.Contains(out, "needs -write-config") {
		t.Errorf("-background without -write-config = %d: %s", code, out)
	}
}
