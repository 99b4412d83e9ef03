package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// faultsState is GET /_sandbox/faults.
type faultsState struct {
	Injected map[string]int            `json:"injected"`
	Requests map[string]map[string]int `json:"requests"`
}

func sandboxFaults(t *testing.T, base string) faultsState {
	t.Helper()
	_, body := get(t, base+"/_sandbox/faults")
	var v faultsState
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decoding /_sandbox/faults: %v\n%s", err, body)
	}
	return v
}

// repliesIn returns how many of the bot's replies to the client (not private
// notes) in channel's thread ts name the account manager.
func repliesIn(t *testing.T, base, channel, ts string) int {
	t.Helper()
	_, body := get(t, base+"/_sandbox/slack/messages?channel="+channel)
	var msgs []struct {
		ThreadTS  string `json:"thread_ts"`
		Text      string `json:"text"`
		Ephemeral bool   `json:"ephemeral"`
	}
	if err := json.Unmarshal([]byte(body), &msgs); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.ThreadTS == ts && !m.Ephemeral && strings.Contains(m.Text, "Amy Manager") {
			n++
		}
	}
	return n
}

func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

// TestFaultStormAgainstDaemon runs `liaison run` against the sandbox while
// everything Slack, Jira and Google are asked about one client (acme)
// fails: Slack answers 429 with Retry-After, Jira 502 and 503, Google 500,
// connections are reset. The daemon keeps running, the other client (bolt)
// is served as usual, acme's reply arrives once the storm stops, and the
// requests about acme stay bounded by the Retry-After asked for.
//
//	go test -run TestFaultStormAgainstDaemon -v ./cmd/liaison/
func TestFaultStormAgainstDaemon(t *testing.T) {
	const retryAfter = 3
	const storm = 12 * time.Second
	// healthyWithin is well under what waiting in-line on acme's rate
	// limits would cost bolt (four retries of 3 s).
	const healthyWithin = 8 * time.Second
	dir := t.TempDir()
	base, cfg := startSandboxWith(t, dir, "testdata/storm.yaml")
	run := exec.Command(liaisonBin, "run", "-config", cfg, "-listen", "127.0.0.1:0", "-log-level", "debug")
	run.Env = []string{"PATH=/usr/bin:/bin"}
	logs := &syncBuffer{}
	run.Stderr = logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Process.Signal(syscall.SIGTERM); _ = run.Wait() })
	waitFor(t, logs, "liaison started")
	m := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no listen address in the logs:\n%s", logs)
	}
	health := "http://" + m[1] + "/healthz"

	for _, f := range []string{
		fmt.Sprintf(`{"upstream":"slack","client":"acme","kind":"status","status":429,"retry_after_seconds":%d}`, retryAfter),
		`{"upstream":"jira","client":"acme","kind":"status","status":502,"count":3}`,
		fmt.Sprintf(`{"upstream":"jira","client":"acme","kind":"status","status":503,"retry_after_seconds":%d}`, retryAfter),
		`{"upstream":"google","client":"acme","kind":"reset"}`,
	} {
		var created struct{ ID int }
		sandboxAct(t, "POST", base+"/_sandbox/faults", f, &created)
	}
	stormStart := time.Now()
	before := sandboxFaults(t, base)

	var acme, bolt struct{ TS string }
	sandboxAct(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "acme", "user": "pat", "text": "<@sam> hi, a question about the keyword map"}`, &acme)
	sandboxAct(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "bolt", "user": "bob", "text": "<@sam> hi, a question about the report"}`, &bolt)

	defer func() {
		if t.Failed() {
			t.Logf("daemon logs:\n%s", logs)
		}
	}()
	took := waitUntil(t, healthyWithin, "bolt's reply during the storm", func() bool { return repliesIn(t, base, "bolt", bolt.TS) == 1 })
	t.Logf("healthy client answered %s into the storm", took.Round(time.Millisecond))
	time.Sleep(time.Until(stormStart.Add(storm)))
	if n := repliesIn(t, base, "acme", acme.TS); n != 0 {
		t.Fatalf("acme got %d replies while Slack refused every call about it", n)
	}
	if code, _ := get(t, health); code != 200 {
		t.Fatalf("/healthz = %d during the storm", code)
	}
	during := sandboxFaults(t, base)
	acmeSlack := during.Requests["slack"]["acme"] - before.Requests["slack"]["acme"]
	elapsed := time.Since(stormStart)
	// Each caller about acme may ask once, then once per Retry-After.
	const callers = 3
	bound := callers * (int(elapsed/(retryAfter*time.Second)) + 1)
	t.Logf("storm of %s: %d Slack requests about acme (bound %d), injected %v", elapsed.Round(time.Second), acmeSlack, bound, during.Injected)
	if acmeSlack > bound {
		t.Errorf("%d Slack requests about acme in %s with Retry-After %ds: more than %d, a busy loop", acmeSlack, elapsed.Round(time.Second), retryAfter, bound)
	}
	if during.Injected["status"] == 0 {
		t.Errorf("no fault was injected: %v", during.Injected)
	}

	sandboxAct(t, "DELETE", base+"/_sandbox/faults", "", nil)
	took = waitUntil(t, 60*time.Second, "acme's reply after the storm", func() bool { return repliesIn(t, base, "acme", acme.TS) >= 1 })
	t.Logf("acme caught up %s after the storm", took.Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	if n := repliesIn(t, base, "acme", acme.TS); n != 1 {
		t.Errorf("acme has %d replies after the storm, want exactly 1", n)
	}
	if n := repliesIn(t, base, "bolt", bolt.TS); n != 1 {
		_, body := get(t, base+"/_sandbox/slack/messages?channel=bolt")
		t.Errorf("bolt has %d replies, want exactly 1:\n%s", n, body)
	}
	if err := run.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the daemon died in the storm: %v\n%s", err, logs)
	}
}
