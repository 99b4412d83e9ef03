package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment variables of the random-kill test.
const (
	// randomKillsEnv sets how many times the daemon is killed (10 by
	// default; docs/RELIABILITY.md records a run of 120).
	randomKillsEnv = "LIAISON_RANDOM_KILLS"
	// randomSeedEnv replays a run: the kill times come from this seed.
	randomSeedEnv = "LIAISON_RANDOM_KILLS_SEED"
)

// randomKillClients are the clients of the generated scenario; each one's
// client pings its specialist at a different moment of the run.
var randomKillClients = []string{"acme", "beta", "gamma", "delta"}

// TestRandomKills SIGKILLs the real binary at random moments while a
// scenario plays against the sandbox (clients pinging specialists over
// the run, questions forwarded, a task closed), then lets the last life
// finish and checks that nothing was lost and nothing repeated: every
// alert, thread reply and Jira task exactly once, the store's integrity
// check clean.
func TestRandomKills(t *testing.T) {
	// Side by side with the other long test: both mostly wait.
	t.Parallel()
	if testing.Short() || os.Getenv(randomKillsEnv) == "" {
		t.Skipf("kills the daemon again and again for minutes; %s=N runs it with N kills (.ci/crash.sh: 10)", randomKillsEnv)
	}
	kills := 10
	if v := os.Getenv(randomKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", randomKillsEnv, v)
		}
		kills = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(randomSeedEnv); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a number", randomSeedEnv, v)
		}
		seed = s
	}
	t.Logf("%d kills, %s=%d", kills, randomSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	// Lives last 0.5–8 s: long enough to land kills amid pulls, rule runs
	// and deliveries, short enough that the scenario's pings (spread over
	// the first half of the kills) arrive while the daemon keeps dying.
	spread := time.Duration(kills) * 2 * time.Second
	seedFile := writeRandomKillSeed(t, spread)
	w := newCrashWorld(t, liaisonBin, seedFile, randomKillClients)
	w.contact = func(c string) string { return "contact@" + c + ".example" }
	w.manager = "amy@kill.example"
	began := time.Now()
	w.start("")
	for w.kills < kills {
		life := 500*time.Millisecond + time.Duration(rng.Int64N(int64(7500*time.Millisecond)))
		end := time.Now().Add(life)
		for time.Now().Before(end) {
			if w.reap() {
				t.Fatalf("the daemon exited by itself:\n%s", w.allLogs())
			}
			w.step(crashOverdue)
			time.Sleep(100 * time.Millisecond)
		}
		w.stop(syscall.SIGKILL)
		w.start("")
	}
	killed := time.Since(began)
	t.Logf("%d kills in %s", w.kills, killed.Round(time.Second))

	// The last life finishes the scenario.
	deadline := time.Now().Add(6 * time.Minute)
	restarted := false
	for !w.step(crashOverdue) {
		if w.reap() {
			t.Fatalf("the daemon exited by itself:\n%s", w.allLogs())
		}
		// The closed task is seen at a start's Jira pull.
		if w.closed && !restarted {
			w.stop(syscall.SIGTERM)
			w.start("")
			restarted = true
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d kills, then 6 min: the scenario is not complete; %s\nlogs of the last lives:\n%s",
				w.kills, w.state().summary(crashOverdue), lastLogs(w, 3))
		}
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	w.stop(syscall.SIGTERM)
	s := w.state()
	checkExactlyOnce(t, w, s)
	checkReports(t, w, s.reports)
	if !s.updated(crashOverdue) {
		t.Errorf("the alert about %s was not updated after it was closed", crashOverdue)
	}
	if res := w.integrity(); res != "ok" {
		t.Errorf("store integrity check: %s", res)
	}
	lost, dup := tally(w, s)
	t.Logf("random kills: %d kills survived over %s, %d lives, %d expected side effects, %d lost, %d duplicated (ephemeral notes: %v); total %s",
		w.kills, killed.Round(time.Second), w.lives, expectedEffects(w), lost, dup, s.ephemerals, time.Since(began).Round(time.Second))
}

// writeRandomKillSeed writes the generated scenario: testdata/crash.yaml's
// agency with one client per randomKillClients, each with an overdue task,
// a task due today and a ping spread over the first part of the run.
func writeRandomKillSeed(t *testing.T, spread time.Duration) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`agency: {name: Random Kill Agency, timezone: Europe/Kyiv, language: en}
people:
  - {id: head, name: Hanna Head, email: head@kill.example, role: head, hours: ["mon-sun 00:00-24:00"]}
  - {id: amy, name: Amy Manager, email: amy@kill.example, role: account_manager, hours: ["mon-sun 00:00-24:00"], capacity: {max_clients: 20}}
  - {id: sam, name: Sam Specialist, email: sam@kill.example, role: specialist, specialty: seo, hours: ["mon-sun 00:00-24:00"]}
clients:
`)
	for _, c := range randomKillClients {
		fmt.Fprintf(&b, `  - {id: %s, name: %s, language: en, account_manager: amy, specialists: [sam], start_date: today, jira_projects: [%s], contacts: [{id: %s-contact, name: %s Contact, email: contact@%s.example}], report: %s}
`, c, clientName(c), strings.ToUpper(c), c, c, c, crashReportSettings)
	}
	b.WriteString("issues:\n")
	for _, c := range randomKillClients {
		p := strings.ToUpper(c)
		fmt.Fprintf(&b, "  - {project: %s, summary: Fix crawl errors, status: In Progress, assignee: sam, due: -2d, updated: -1d}\n", p)
		fmt.Fprintf(&b, "  - {project: %s, summary: Monthly report, status: To Do, assignee: sam, due: today, updated: -1d}\n", p)
	}
	b.WriteString("messages:\n")
	step := spread / 2 / time.Duration(len(randomKillClients))
	for i, c := range randomKillClients {
		fmt.Fprintf(&b, "  - {at: +%ds, channel: %s, user: %s-contact, text: \"<@sam> hi, a question about the keyword map (%s)\"}\n",
			int((time.Duration(i) * step).Seconds()), c, c, c)
	}
	path := filepath.Join(t.TempDir(), "random-kills.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// expectedEffects counts the side effects the scenario must produce
// exactly once: per client a thread reply, a question task, a checklist
// task, its ping and two tasks in an alert, the report's spreadsheet, its
// two grants and the "report ready" message; plus the update.
func expectedEffects(w *crashWorld) int { return len(w.clients)*10 + 1 }

// tally counts lost and duplicated side effects among the expected ones.
func tally(w *crashWorld, s worldState) (lost, dup int) {
	count := func(n int) {
		switch {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
		}
	}
	for _, c := range w.clients {
		p := strings.ToUpper(c)
		count(s.threadReplis[s.pings[c].TS])
		count(s.questions[p])
		count(s.checklists[p])
		count(s.alertsAbout("(" + c + ")"))
		count(s.alertsAbout(p + "-1"))
		count(s.alertsAbout(p + "-2"))
		if r := s.reports[c]; r != nil {
			count(len(r.files))
			for _, e := range w.reportWanted(c) {
				count(r.grants[e])
			}
			count(r.ready)
		}
	}
	if !s.updated(crashOverdue) {
		lost++
	}
	return lost, dup
}

func lastLogs(w *crashWorld, n int) string {
	logs := w.logs
	if len(logs) > n {
		logs = logs[len(logs)-n:]
	}
	out := strings.Join(logs, "\n")
	if w.cur != nil {
		out += "\n--- current life\n" + w.curLogs.String()
	}
	return out
}
