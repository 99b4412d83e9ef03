package main

import (
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/sync/crashpoint"
)

// TestCrashPoints kills the real binary (built with the crashpoints tag)
// at every named step of every kind of side effect, in turn, against the
// sandbox; restarts it; and checks the end state: each alert posted once,
// the reply in the client's thread once, the overdue task's alert updated
// once resolved, each Jira task created once, the client's report in one
// spreadsheet with its tabs complete, each grant made once and one "report
// ready" message, and the store's integrity check clean. The private note to the specialist (chat.postEphemeral)
// is the one message that may show twice, after a kill between Slack's
// answer and the record: Slack keeps no copy of an ephemeral message that
// could be looked up, so there is nothing to find on restart. The two
// before_create points run only with LIAISON_CRASHPOINTS_ALL=1 (see
// slowRecovery).
// crashEnv, set, runs the crash points (all but the two slow ones).
const crashEnv = "LIAISON_CRASHPOINTS"

func TestCrashPoints(t *testing.T) {
	// Side by side with the other long test: both mostly wait.
	t.Parallel()
	if testing.Short() || (os.Getenv(crashEnv) == "" && os.Getenv(crashAllEnv) == "") {
		t.Skipf("starts the daemon dozens of times for minutes; %s=1 runs it (.ci/crash.sh does)", crashEnv)
	}
	bin, err := crashBin()
	if err != nil {
		t.Fatal(err)
	}
	// The points run side by side: each spends most of its time waiting
	// for the dead process's claims to lapse, not computing, so a wave of
	// them costs little more than one.
	var wg sync.WaitGroup
	sem := make(chan struct{}, crashParallel)
	for _, p := range crashpoint.All() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			t.Run(p.Name(), func(t *testing.T) {
				if slowRecovery(p) && os.Getenv(crashAllEnv) == "" {
					t.Skipf("recovery waits for a periodic job's next period (up to %s); %s=1 runs it", slowRecoveryBound, crashAllEnv)
				}
				crashAt(t, bin, p)
			})
		}()
	}
	wg.Wait()
}

// crashAllEnv, set, runs the crash points whose recovery is slow too.
const crashAllEnv = "LIAISON_CRASHPOINTS_ALL"

// slowRecovery tells the points where the kill falls before Jira is
// called for a task: the task is written by the next run of a periodic job
// (question tasks every 5 min, checklists every 15), and the run at a
// restart is skipped when one already ran in the same period, so recovery
// can take up to a period — longer than CI's time for one package.
func slowRecovery(p crashpoint.Point) bool {
	return p.Step == crashpoint.BeforeCreate && strings.HasPrefix(p.Kind, "jira.")
}

// slowRecoveryBound is the longest such wait: the checklists' period.
const slowRecoveryBound = 15 * time.Minute

// crashPointBudget bounds one crash point's scenario. Most settle in about
// three minutes, two of them waiting for the dead process's claim on its
// delivery to lapse; a question forwarded just before a kill waits for the
// next periodic flush of question tasks, five minutes after the restart.
const crashPointBudget = 8 * time.Minute

// crashParallel is how many crash points run at once.
const crashParallel = 30

// crashOverdue is the overdue task of testdata/crash.yaml, closed during
// the scenario so that its alert is updated.
const crashOverdue = "ACME-1"

func crashAt(t *testing.T, bin string, p crashpoint.Point) {
	w := newCrashWorld(t, bin, "testdata/crash.yaml", []string{"acme"})
	w.contact = func(string) string { return "pat@acme.example" }
	w.manager = "amy@crash.example"
	armed := func() string {
		if len(w.visited) > 0 {
			return ""
		}
		if strings.HasPrefix(p.Kind, "sheets.") {
			// The client's report, not the finance or ops spreadsheet.
			return p.Name() + "@report/acme"
		}
		return p.Name()
	}
	w.start(armed())
	began := time.Now()
	budget := crashPointBudget
	if slowRecovery(p) {
		budget += slowRecoveryBound
	}
	deadline := began.Add(budget)
	for {
		if w.reap() {
			if len(w.visited) == 0 {
				t.Fatalf("the daemon died without reaching a crash point:\n%s", w.allLogs())
			}
			w.start(armed())
		}
		done := w.step(crashOverdue)
		// A closed task is seen at the daemon's next Jira pull, which a
		// restart brings forward: the resolution, and the update of its
		// alert, happen in the life after.
		if w.closed && !w.stopped {
			w.stop(syscall.SIGTERM)
			w.stopped = true
			w.start(armed())
		}
		if done && len(w.visited) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s (%d lives, crash points reached %v), the scenario is not complete; %s\nlogs:\n%s",
				time.Since(began).Round(time.Second), w.lives, w.visited, w.state().summary(crashOverdue), w.allLogs())
		}
		time.Sleep(250 * time.Millisecond)
	}
	// Room for a second copy of anything to show up before judging.
	time.Sleep(2 * time.Second)
	w.stop(syscall.SIGTERM)

	if len(w.visited) != 1 || !strings.HasPrefix(w.visited[0], p.Name()+" ") {
		t.Errorf("crash points reached: %v, want %s once", w.visited, p.Name())
	}
	s := w.state()
	checkExactlyOnce(t, w, s)
	checkReports(t, w, s.reports)
	ping := s.pings["acme"]
	switch n := s.ephemerals[ping.TS]; {
	case p.Kind == crashpoint.SlackEphemeral && p.Step == crashpoint.AfterPost:
		if n < 1 || n > 2 {
			t.Errorf("%d private notes to the specialist, want 1 or 2 after a kill between Slack's answer and the record", n)
		}
		t.Logf("private notes to the specialist after a kill at %s: %d", p.Name(), n)
	case n != 1:
		t.Errorf("%d private notes to the specialist, want 1", n)
	}
	if !s.updated(crashOverdue) {
		t.Errorf("the alert about %s was not updated after it was closed", crashOverdue)
	}
	if res := w.integrity(); res != "ok" {
		t.Errorf("store integrity check: %s", res)
	}
	t.Logf("%s: %d lives, %s", p.Name(), w.lives, time.Since(began).Round(time.Second))
}

// checkExactlyOnce checks what must never be lost or repeated: per client,
// one reply in the ping's thread, one question task and one checklist
// task; the ping's and each task's alert in exactly one top-level message;
// no delivery key posted twice.
func checkExactlyOnce(t *testing.T, w *crashWorld, s worldState) {
	t.Helper()
	keys := map[string]int{}
	for _, m := range s.alerts {
		keys[string(m.Metadata)]++
	}
	for k, n := range keys {
		if n > 1 {
			t.Errorf("delivery %s posted %d times", k, n)
		}
	}
	for _, c := range w.clients {
		ping, ok := s.pings[c]
		if !ok {
			t.Errorf("client %s: its message never reached Slack", c)
			continue
		}
		if n := s.threadReplis[ping.TS]; n != 1 {
			t.Errorf("client %s: %d replies in the thread, want 1", c, n)
		}
		proj := strings.ToUpper(c)
		if n := s.questions[proj]; n != 1 {
			t.Errorf("client %s: %d question tasks, want 1", c, n)
		}
		if n := s.checklists[proj]; n != 1 {
			t.Errorf("client %s: %d checklist tasks, want 1", c, n)
		}
		if n := s.alertsAbout("(" + c + ")"); n != 1 {
			t.Errorf("client %s: its message is in %d alerts, want 1", c, n)
		}
		for _, key := range []string{proj + "-1", proj + "-2"} {
			if n := s.alertsAbout(key); n != 1 {
				t.Errorf("task %s is in %d alerts, want 1", key, n)
			}
		}
	}
}
