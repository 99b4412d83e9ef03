package jobs

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// insertPeriodic inserts a run of t for the period containing at exactly as
// the leader's periodic constructor would, and reports whether River skipped
// it as a duplicate.
func (e *Engine) insertPeriodic(ctx context.Context, t Task, at time.Time) (skipped bool, err error) {
	opts := e.periodicInsertOpts(t)
	opts.ScheduledAt = at
	res, err := e.client.Insert(ctx, taskArgs{Task: t.Name}, opts)
	if err != nil {
		return false, err
	}
	return res.UniqueSkippedAsDuplicate, nil
}

// periodicRows returns, for each of the task's jobs, the UTC second bucket of
// its scheduled time, and how many distinct unique keys they carry.
func periodicRows(t *testing.T, db *sql.DB, task string, every time.Duration) (buckets []int64, distinctKeys int) {
	t.Helper()
	rows, err := db.Query(`SELECT CAST(strftime('%s', scheduled_at) AS INTEGER) FROM river_job
		WHERE kind = ? AND json_extract(args, '$.task') = ? ORDER BY id`, taskKind, task)
	if err != nil {
		t.Fatalf("querying periodic jobs: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sec int64
		if err := rows.Scan(&sec); err != nil {
			t.Fatalf("scanning periodic jobs: %v", err)
		}
		buckets = append(buckets, sec/int64(every/time.Second))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading periodic jobs: %v", err)
	}
	if err := db.QueryRow(`SELECT count(DISTINCT unique_key) FROM river_job WHERE kind = ? AND json_extract(args, '$.task') = ?`,
		taskKind, task).Scan(&distinctKeys); err != nil {
		t.Fatalf("counting unique keys: %v", err)
	}
	return buckets, distinctKeys
}

func assertOneJobPerPeriod(t *testing.T, db *sql.DB, task string, every time.Duration) int {
	t.Helper()
	buckets, keys := periodicRows(t, db, task, every)
	seen := map[int64]bool{}
	for _, b := range buckets {
		if seen[b] {
			t.Fatalf("two %s jobs in period %d: buckets %v", task, b, buckets)
		}
		seen[b] = true
	}
	if keys != len(buckets) {
		t.Fatalf("%d jobs but %d distinct unique keys", len(buckets), keys)
	}
	return len(buckets)
}

func TestPeriodicTaskFiresRepeatedly(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	var c counter
	mustRegister(t, e.Engine, Task{Name: "jira.pull", Every: time.Second, Run: func(context.Context) error { c.inc(); return nil }})
	begin := time.Now()
	mustStart(t, e.Engine)
	// One run at start, then one a second.
	waitFor(t, 4*time.Second, "three periodic runs", func() bool { return c.get() >= 3 })
	elapsed := time.Since(begin)
	if limit := int(elapsed/time.Second) + 1; c.get() > limit {
		t.Fatalf("%d runs in %s, want at most %d", c.get(), elapsed, limit)
	}
	assertOneJobPerPeriod(t, e.db, "jira.pull", time.Second)
}

func TestPeriodicUniquePerPeriodAcrossEngines(t *testing.T) {
	path := tempDBPath(t)
	a := newTestEngine(t, path, nil)
	b := newTestEngine(t, path, nil)
	task := Task{Name: "gsc.pull", Every: time.Hour, Run: noop}
	mustRegister(t, a.Engine, task)
	mustRegister(t, b.Engine, task)
	ctx := context.Background()
	period := time.Now().UTC().Truncate(time.Hour).Add(2 * time.Hour)

	steps := []struct {
		name        string
		engine      *testEngine
		at          time.Time
		wantSkipped bool
	}{
		{"first insert of a period", a, period.Add(time.Minute), false},
		{"other engine, same period", b, period.Add(30 * time.Minute), true},
		{"same engine, same period", a, period.Add(59 * time.Minute), true},
		{"next period", b, period.Add(time.Hour), false},
	}
	for _, s := range steps {
		skipped, err := s.engine.insertPeriodic(ctx, task, s.at)
		if err != nil {
			t.Fatalf("%s: insert: %v", s.name, err)
		}
		if skipped != s.wantSkipped {
			t.Fatalf("%s: skipped = %v, want %v", s.name, skipped, s.wantSkipped)
		}
	}

	// Racing inserts from both engines' pools for one period: one wins.
	racePeriod := period.Add(5 * time.Hour)
	var wg sync.WaitGroup
	var inserted, failed atomic.Int32
	for i := range 20 {
		e := a
		if i%2 == 1 {
			e = b
		}
		wg.Go(func() {
			skipped, err := e.insertPeriodic(ctx, task, racePeriod.Add(time.Duration(i)*time.Second))
			switch {
			case err != nil:
				t.Errorf("racing insert: %v", err)
				failed.Add(1)
			case !skipped:
				inserted.Add(1)
			}
		})
	}
	wg.Wait()
	if inserted.Load() != 1 || failed.Load() != 0 {
		t.Fatalf("racing inserts: %d inserted, %d failed; want 1 and 0", inserted.Load(), failed.Load())
	}
	if n := assertOneJobPerPeriod(t, a.db, "gsc.pull", time.Hour); n != 3 {
		t.Fatalf("jobs = %d, want 3", n)
	}
}

func TestTwoEnginesOneLeaderNoDuplicateRuns(t *testing.T) {
	path := tempDBPath(t)
	var runs counter
	run := func(context.Context) error { runs.inc(); return nil }
	task := Task{Name: "jira.pull", Every: time.Second, Run: run}

	engines := map[string]*testEngine{}
	inserts := map[string]*atomic.Int32{}
	for _, id := range []string{"replica-a", "replica-b"} {
		e := newTestEngine(t, path, func(o *Options) { o.ID = id })
		mustRegister(t, e.Engine, task)
		n := &atomic.Int32{}
		e.onPeriodic = func(string) { n.Add(1) }
		engines[id], inserts[id] = e, n
	}
	begin := time.Now()
	mustStart(t, engines["replica-a"].Engine)
	mustStart(t, engines["replica-b"].Engine)

	waitFor(t, 4*time.Second, "three periodic runs", func() bool { return runs.get() >= 3 })

	var leader string
	if err := engines["replica-a"].db.QueryRow(`SELECT leader_id FROM river_leader`).Scan(&leader); err != nil {
		t.Fatalf("reading leader: %v", err)
	}
	follower := "replica-b"
	if leader == "replica-b" {
		follower = "replica-a"
	} else if leader != "replica-a" {
		t.Fatalf("leader = %q, want one of the replicas", leader)
	}
	if inserts[leader].Load() == 0 || inserts[follower].Load() != 0 {
		t.Fatalf("periodic inserts: leader %s %d, follower %s %d; only the leader should enqueue",
			leader, inserts[leader].Load(), follower, inserts[follower].Load())
	}

	// Hand over: the leader stops, the follower is elected and enqueues its
	// start-up run, which falls in a period already served unless a new
	// period began. riversqlite sends no resignation notice, so the follower
	// only notices at its next election attempt (River's 5 s interval).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := engines[leader].Stop(ctx); err != nil {
		t.Fatalf("stopping leader: %v", err)
	}
	before := runs.get()
	stopped := time.Now()
	waitFor(t, 8*time.Second, "follower takes over the schedule", func() bool {
		return inserts[follower].Load() > 0 && runs.get() >= before+1
	})
	t.Logf("follower took over and ran in %s", time.Since(stopped))
	elapsed := time.Since(begin)

	n := assertOneJobPerPeriod(t, engines[follower].db, "jira.pull", time.Second)
	if limit := int(elapsed/time.Second) + 1; n > limit || runs.get() > limit {
		t.Fatalf("%d jobs and %d runs in %s; at most %d periods", n, runs.get(), elapsed, limit)
	}
	waitFor(t, 2*time.Second, "every run completed", func() bool {
		return jobStates(t, engines[follower].db, "jira.pull")["completed"] == runs.get()
	})
}
