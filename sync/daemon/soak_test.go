package daemon

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/sandbox"
)

// soakEnv turns on the long soak: LIAISON_SOAK=week runs a simulated week
// at 300 clients; without it two simulated days at 30 clients run.
const soakEnv = "LIAISON_SOAK"

// soakProfileEnv names a file for a heap profile taken at the end, to see
// which code holds what (the fakes of Slack and Jira live in the same
// process and keep everything they were sent).
const soakProfileEnv = "LIAISON_SOAK_HEAP_PROFILE"

// TestSoak runs the daemon's cycle against the sandbox on an accelerated
// clock — every 15 simulated minutes deliveries, every hour a full cycle
// (Jira, Slack catch-up, rules, checklists, delivery) — while clients
// write, tasks are created, fall due and are closed every day. Every 12
// simulated hours it collects garbage and samples the process's resident
// memory, its live heap, and the part of that heap Liaison's own code
// holds (the fakes in the same process keep everything they are sent);
// it fails if Liaison's part at the end is more than twice its level
// after the first day (plus 16 MiB): memory must stay flat, not grow with
// the days.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates at least a day")
	}
	clients, days := 30, 2
	if os.Getenv(soakEnv) == "week" {
		clients, days = 300, 7
	}
	start := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC) // a Monday morning in Kyiv
	clk := clock.NewFake(start)
	sc, err := sandbox.ParseScenario("soak.yaml", soakScenario(clients, days))
	if err != nil {
		t.Fatal(err)
	}
	app, sb := newSandboxApp(t, clk, sandbox.Options{Seed: sc}, true)
	ctx := context.Background()

	type sample struct {
		at         time.Duration
		rss, heap  uint64
		own        uint64 // live heap allocated by Liaison's code, the fakes' excluded
		posts      int
		wall       time.Duration
		cycleError string
	}
	// The Slack client paces its history reads on the clock; while a cycle
	// waits on it, simulated time moves on a second at a time, as it would.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				if clk.Waiters() > 0 {
					clk.Advance(time.Second)
				}
			}
		}
	}()
	var samples []sample
	began := time.Now()
	const step = 15 * time.Minute
	var lastErr error
	for i := 0; time.Duration(i)*step <= time.Duration(days)*24*time.Hour; i++ {
		elapsed := time.Duration(i) * step
		if i > 0 {
			clk.Advance(step)
		}
		if _, err := sb.ReplayDue(clk.Now()); err != nil {
			t.Fatalf("replaying messages: %v", err)
		}
		if elapsed%(24*time.Hour) == 0 {
			soakDay(t, sb.Jira(), clients, int(elapsed/(24*time.Hour)), clk.Now())
		}
		if elapsed%time.Hour == 0 {
			lastErr = app.SyncOnce(ctx)
		} else {
			lastErr = app.Deliver(ctx)
		}
		if elapsed%(12*time.Hour) == 0 {
			s := sample{at: elapsed, wall: time.Since(began), posts: len(botPosts(sb))}
			s.rss, s.heap, s.own = memoryNow()
			if lastErr != nil {
				s.cycleError = lastErr.Error()
			}
			samples = append(samples, s)
		}
	}
	if path := os.Getenv(soakProfileEnv); path != "" {
		writeHeapProfile(t, path)
	}
	t.Logf("soak: %d clients, %d simulated days in %s", clients, days, time.Since(began).Round(time.Second))
	t.Logf("%-10s %10s %10s %15s %8s %8s", "simulated", "RSS MiB", "heap MiB", "Liaison's MiB", "posts", "wall")
	for _, s := range samples {
		t.Logf("%-10s %10.1f %10.1f %15.1f %8d %8s %s", s.at, mib(s.rss), mib(s.heap), mib(s.own), s.posts, s.wall.Round(time.Second), s.cycleError)
	}
	if lastErr != nil {
		t.Errorf("the last cycle failed: %v", lastErr)
	}
	if samples[len(samples)-1].posts == 0 {
		t.Fatal("the soak delivered nothing: it proves nothing")
	}
	// The first day fills the store and warms the caches; from then on
	// the live heap that Liaison's own code holds must not grow with the
	// days. (The process's RSS and whole heap include the fakes, which keep
	// every message and request they were sent.)
	base := samples[min(2, len(samples)-1)].own
	if end := samples[len(samples)-1].own; end > 2*base+16<<20 {
		t.Errorf("Liaison's live heap grew from %.1f MiB after the first day to %.1f MiB at the end", mib(base), mib(end))
	}
}

// soakScenario is an agency of n clients, ten per account manager, whose
// clients each write to their specialist once a day.
func soakScenario(n, days int) []byte {
	var b strings.Builder
	b.WriteString("agency: {name: Soak Agency, timezone: Europe/Kyiv, language: en}\npeople:\n")
	b.WriteString("  - {id: head, name: Hanna Head, email: head@soak.example, role: head}\n")
	ams := (n + 9) / 10
	for i := range ams {
		fmt.Fprintf(&b, "  - {id: am%d, name: Manager %d, email: am%d@soak.example, role: account_manager, capacity: {max_clients: 12}}\n", i, i, i)
	}
	for i := range 5 {
		fmt.Fprintf(&b, "  - {id: sp%d, name: Specialist %d, email: sp%d@soak.example, role: specialist, specialty: seo}\n", i, i, i)
	}
	b.WriteString("clients:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {id: c%d, name: Client %d, language: en, account_manager: am%d, specialists: [sp%d], jira_projects: [C%d], contacts: [{id: k%d, name: Contact %d, email: k%d@client.example}]}\n",
			i, i, i/10, i%5, i, i, i, i)
	}
	b.WriteString("issues:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {project: C%d, summary: Set up tracking, status: In Progress, assignee: sp%d, due: +1d, updated: -1d}\n", i, i%5)
	}
	b.WriteString("messages:\n")
	for d := range days {
		for i := range n {
			// Spread over the working day: 09:00–17:00 Kyiv is 07:00–15:00 UTC.
			at := time.Duration(d)*24*time.Hour + time.Hour + time.Duration(i%480)*time.Minute
			text := "a question about the report"
			if i%3 == 0 {
				text = fmt.Sprintf("<@sp%d> a question about the keyword map", i%5)
			}
			fmt.Fprintf(&b, "  - {at: +%dm, channel: c%d, user: k%d, text: %q}\n", int(at.Minutes()), i, i, text)
		}
	}
	return []byte(b.String())
}

// soakDay is a day of Jira work: each client gets a task due in two days,
// and yesterday's is closed.
func soakDay(t *testing.T, jf *jirafake.Fake, clients, day int, now time.Time) {
	t.Helper()
	for i := range clients {
		if _, err := jf.PutIssue(jirafake.Issue{Project: fmt.Sprintf("C%d", i), Summary: fmt.Sprintf("Day %d work", day),
			Status: "To Do", DueDate: now.AddDate(0, 0, 2).Format("2006-01-02")}); err != nil {
			t.Fatal(err)
		}
	}
	for _, is := range jf.Issues() {
		if strings.HasPrefix(is.Summary, fmt.Sprintf("Day %d ", day-1)) {
			if _, err := jf.UpdateIssue(is.Key, func(i *jirafake.Issue) { i.Status = "Done" }); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// memoryNow collects garbage and returns the resident set size, the live
// heap, and the part of the live heap allocated by Liaison's code rather
// than by the fakes and this test (from the heap profile, scaled as pprof
// scales it).
func memoryNow() (rss, heap, own uint64) {
	runtime.GC()
	runtime.GC() // the heap profile reflects the last completed collection
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f, err := os.Open("/proc/self/status")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				rss = kb << 10
			}
		}
	}
	return rss, ms.HeapInuse, ownHeap()
}

// ownHeap sums the heap profile's live bytes whose allocation stack runs
// through no fake, sandbox or test code.
func ownHeap() uint64 {
	n, _ := runtime.MemProfile(nil, false)
	recs := make([]runtime.MemProfileRecord, n+50)
	n, ok := runtime.MemProfile(recs, false)
	if !ok {
		return 0
	}
	rate := float64(runtime.MemProfileRate)
	var total float64
	for _, r := range recs[:n] {
		if r.InUseBytes() <= 0 || r.AllocObjects == 0 || foreignStack(r.Stack()) {
			continue
		}
		avg := float64(r.AllocBytes) / float64(r.AllocObjects)
		scale := 1.0
		if rate > 1 {
			scale = 1 / (1 - math.Exp(-avg/rate))
		}
		total += float64(r.InUseBytes()) * scale
	}
	return uint64(total)
}

func foreignStack(pcs []uintptr) bool {
	frames := runtime.CallersFrames(pcs)
	for {
		fr, more := frames.Next()
		for _, s := range []string{"fake.", "/sandbox.", "daemon.TestSoak", "daemon.soak", "net/http.(*conn).serve", "httptest."} {
			if strings.Contains(fr.Function, s) {
				return true
			}
		}
		if !more {
			return false
		}
	}
}

func writeHeapProfile(t *testing.T, path string) {
	t.Helper()
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		t.Fatal(err)
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
