package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// crashBin is the binary built with the crashpoints tag, once per test run
// and only by the tests that need it.
var crashBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "liaison-crash-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "liaison")
	build := exec.Command("go", "build", "-trimpath", "-tags", "crashpoints", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building liaison with crashpoints: %v\n%s", err, out)
	}
	return bin, nil
})

// crashWorldExtra is appended to the sandbox's written config: the
// onboarding checklist on, and alerts grouped for a second rather than
// half a minute, so that a scenario settles within seconds.
const crashWorldExtra = `
rules:
  checklists:
    enabled: true
    lists:
      onboarding:
        schedule: on_start
        assignee_role: account_manager
        due_offset_days: 5
        items: [Get access to Google Ads and Search Console]
delivery:
  group_wait: 1s
  group_interval: 1s
`

// crashWorld is one sandbox and the successive lives of `liaison run`
// against it, with the scenario of testdata/crash.yaml (or a generated
// one) played from outside: the account manager forwards each client's
// question once it is known, and each overdue task is closed once its
// alert is out, which a restart then picks up as a resolution.
type crashWorld struct {
	t         *testing.T
	bin       string
	dir       string
	base, cfg string
	clients   []string // client ids, one ping and one checklist task each
	// contact names a client's contact's email and manager the account
	// manager's: the report's grants.
	contact func(client string) string
	manager string

	cur     *exec.Cmd
	curLogs *syncBuffer
	exited  chan error
	lives   int
	kills   int
	visited []string // crashpoint lines seen on dying processes
	logs    []string // every life's stderr, for failure messages

	reacted map[string]bool // client id → question forwarded
	closed  bool
	stopped bool // closed and restarted since
}

func newCrashWorld(t *testing.T, bin, seed string, clients []string) *crashWorld {
	t.Helper()
	w := &crashWorld{t: t, bin: bin, dir: t.TempDir(), clients: clients, reacted: map[string]bool{}}
	w.cfg = filepath.Join(w.dir, "c.yaml")
	sb := exec.Command(bin, "sandbox", "-addr", "127.0.0.1:0", "-seed", seed,
		"-write-config", w.cfg, "-data-dir", filepath.Join(w.dir, "state"))
	sbLog := &syncBuffer{}
	sb.Stdout, sb.Stderr = sbLog, sbLog
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Process.Signal(syscall.SIGTERM); _ = sb.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for w.base == "" {
		if i := strings.Index(sbLog.String(), "http://127.0.0.1:"); i >= 0 {
			rest := sbLog.String()[i:]
			if j := strings.IndexAny(rest, " \n"); j > 0 {
				w.base = rest[:j]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandbox did not print its URL:\n%s", sbLog)
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitForFile(t, w.cfg)
	f, err := os.OpenFile(w.cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(crashWorldExtra); err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Cleanup(func() { w.stop(syscall.SIGKILL) })
	return w
}

// start begins a life of the daemon; crashpoint, when set, names where it
// is to kill itself.
func (w *crashWorld) start(crashpoint string) {
	w.t.Helper()
	cmd := exec.Command(w.bin, "run", "-config", w.cfg, "-listen", "127.0.0.1:0")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	if crashpoint != "" {
		cmd.Env = append(cmd.Env, "LIAISON_CRASHPOINT="+crashpoint)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.cur, w.curLogs, w.exited = cmd, logs, make(chan error, 1)
	w.lives++
	go func(ch chan error) { ch <- cmd.Wait() }(w.exited)
}

// reap notes a life that ended by itself (a crashpoint); it reports
// whether the daemon is down.
func (w *crashWorld) reap() bool {
	if w.cur == nil {
		return true
	}
	select {
	case err := <-w.exited:
		w.endLife(err)
		return true
	default:
		return false
	}
}

func (w *crashWorld) endLife(err error) {
	out := w.curLogs.String()
	w.logs = append(w.logs, fmt.Sprintf("--- life %d (%v)\n%s", w.lives, err, out))
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "crashpoint: killed at ") {
			w.visited = append(w.visited, strings.TrimPrefix(line, "crashpoint: killed at "))
		}
	}
	w.cur = nil
}

// stop ends the current life with sig and waits for it.
func (w *crashWorld) stop(sig syscall.Signal) {
	if w.cur == nil {
		return
	}
	_ = w.cur.Process.Signal(sig)
	if sig == syscall.SIGKILL {
		w.kills++
	}
	select {
	case err := <-w.exited:
		w.endLife(err)
	case <-time.After(20 * time.Second):
		_ = w.cur.Process.Kill()
		w.endLife(<-w.exited)
	}
}

// worldMessage is a message as /_sandbox/slack/messages shows it.
type worldMessage struct {
	Channel       string          `json:"channel"`
	User          string          `json:"user"`
	TS            string          `json:"ts"`
	ThreadTS      string          `json:"thread_ts"`
	Text          string          `json:"text"`
	Blocks        json.RawMessage `json:"blocks"`
	Metadata      json.RawMessage `json:"metadata"`
	Ephemeral     bool            `json:"ephemeral"`
	EphemeralUser string          `json:"ephemeral_user"`
	Edits         []struct {
		Text string `json:"text"`
	} `json:"edits"`
}

func (w *crashWorld) messages() []worldMessage {
	w.t.Helper()
	code, body := get(w.t, w.base+"/_sandbox/slack/messages")
	var out []worldMessage
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
		w.t.Fatalf("/_sandbox/slack/messages = %d: %s", code, body)
	}
	return out
}

type worldIssue struct {
	Key     string   `json:"key"`
	Project string   `json:"project"`
	Summary string   `json:"summary"`
	Status  string   `json:"status"`
	Labels  []string `json:"labels"`
}

func (w *crashWorld) issues() []worldIssue {
	w.t.Helper()
	code, body := get(w.t, w.base+"/_sandbox/jira/issues")
	var out []worldIssue
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
		w.t.Fatalf("/_sandbox/jira/issues = %d: %s", code, body)
	}
	return out
}

// worldState is what Liaison has done, as the vendors' fakes see it.
type worldState struct {
	pings        map[string]worldMessage // client id → the client's ping
	alerts       []worldMessage          // top-level bot messages
	threadReplis map[string]int          // ping ts → bot thread replies
	ephemerals   map[string]int          // ping ts → ephemeral notes in its thread
	questions    map[string]int          // project → question tasks
	checklists   map[string]int          // project → checklist tasks
	reports      map[string]*reportState // client id → its report
}

func (w *crashWorld) state() worldState {
	s := worldState{pings: map[string]worldMessage{}, threadReplis: map[string]int{}, ephemerals: map[string]int{},
		questions: map[string]int{}, checklists: map[string]int{}}
	msgs := w.messages()
	for _, m := range msgs {
		if m.ThreadTS == "" && m.User != "U0LIAISON1" && strings.Contains(m.Text, "a question about") {
			// Scenario pings end with "(client id)".
			if i := strings.LastIndex(m.Text, "("); i >= 0 {
				s.pings[strings.TrimSuffix(m.Text[i+1:], ")")] = m
			}
		}
	}
	for _, m := range msgs {
		if m.User != "U0LIAISON1" {
			continue
		}
		switch {
		case m.Ephemeral:
			s.ephemerals[m.ThreadTS]++
		case m.ThreadTS != "":
			s.threadReplis[m.ThreadTS]++
		default:
			s.alerts = append(s.alerts, m)
		}
	}
	s.reports = w.reports(msgs)
	for _, is := range w.issues() {
		for _, l := range is.Labels {
			switch l {
			case "liaison-questions":
				s.questions[is.Project]++
			case "liaison-checklist":
				s.checklists[is.Project]++
			}
		}
	}
	return s
}

// alertsAbout counts the top-level alerts whose text (or blocks) holds s.
func (s worldState) alertsAbout(sub string) int {
	n := 0
	for _, m := range s.alerts {
		if strings.Contains(m.Text+string(m.Blocks), sub) {
			n++
		}
	}
	return n
}

// summary says what the fakes hold, for failure messages.
func (s worldState) summary(overdue string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d top-level alerts", len(s.alerts))
	for c, p := range s.pings {
		fmt.Fprintf(&b, "; client %s: %d thread replies, %d ephemeral notes", c, s.threadReplis[p.TS], s.ephemerals[p.TS])
	}
	fmt.Fprintf(&b, "; question tasks %v; checklist tasks %v", s.questions, s.checklists)
	for c, r := range s.reports {
		fmt.Fprintf(&b, "; client %s's report: %d files, grants %v, emails %v, %d tabs, %d ready messages", c, len(r.files), r.grants, r.emails, len(r.tabs), r.ready)
	}
	if overdue != "" {
		fmt.Fprintf(&b, "; %s in %d alerts, updated %v", overdue, s.alertsAbout(overdue), s.updated(overdue))
	}
	return b.String()
}

// updated reports whether an alert about sub was rewritten (chat.update).
func (s worldState) updated(sub string) bool {
	for _, m := range s.alerts {
		if len(m.Edits) > 0 && strings.Contains(m.Edits[0].Text+m.Text, sub) {
			return true
		}
	}
	return false
}

// step plays the scenario one step from outside; it reports whether every
// expected side effect has happened. overdue names the task to close once
// alerted (its key as alerts show it).
func (w *crashWorld) step(overdue string) bool {
	s := w.state()
	done, tasks := true, true
	for _, c := range w.clients {
		ping, ok := s.pings[c]
		if !ok {
			done = false
			continue
		}
		if s.threadReplis[ping.TS] == 0 || s.ephemerals[ping.TS] == 0 {
			done = false
		}
		// The account manager forwards the question once Liaison knows the
		// message (its reply is out), as a person would react to it.
		if s.threadReplis[ping.TS] > 0 && !w.reacted[c] {
			sandboxAct(w.t, "POST", w.base+"/_sandbox/slack/reactions",
				fmt.Sprintf(`{"channel": %q, "ts": %q, "user": "amy", "name": "question"}`, c, ping.TS), nil)
			w.reacted[c] = true
		}
		proj := strings.ToUpper(c)
		if s.questions[proj] == 0 || s.checklists[proj] == 0 {
			done, tasks = false, false
		}
		if s.alertsAbout("("+c+")") == 0 || s.alertsAbout(proj+"-1") == 0 || s.alertsAbout(proj+"-2") == 0 {
			done = false
		}
		if !w.reportDone(c, s.reports[c]) {
			done = false
		}
	}
	if overdue != "" {
		if s.alertsAbout(overdue) == 0 {
			return false
		}
		// Closed once the Jira tasks exist, so that the restart that
		// brings the closure forward does not also put off a pending
		// task's periodic retry.
		if !w.closed && tasks {
			sandboxAct(w.t, "PATCH", w.base+"/_fake/jira/issues/"+overdue, `{"status": "Done"}`, nil)
			w.closed = true
		}
		if !s.updated(overdue) {
			done = false
		}
	}
	return done
}

// integrity runs SQLite's integrity check on the store, with no daemon
// running.
func (w *crashWorld) integrity() string {
	w.t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(w.dir, "state", "liaison.db")+"?mode=ro")
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		w.t.Fatalf("integrity check: %v", err)
	}
	return res
}

func (w *crashWorld) allLogs() string {
	out := strings.Join(w.logs, "\n")
	if w.curLogs != nil && w.cur != nil {
		out += "\n--- current life\n" + w.curLogs.String()
	}
	return out
}
