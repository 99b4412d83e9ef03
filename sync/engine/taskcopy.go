package engine

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"
	"sync"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// taskCopy keeps the open tasks of the configured clients' projects in
// memory between runs, so that the rules reading all of them (deadline on
// a full run, workload on every run) do not read them all from the store
// each time. The store stays the source of truth: before each use the copy
// asks the store for the tasks written after the stamp it reflects
// (store.TaskLog), which catches every write, reported to the engine or
// not; a config reload, a removed row or a failed update rebuilds it from
// a full read.
//
// It holds a compact record per task (taskRec) with only what the rules
// judge by; repeated strings (project, status, category, assignee, due
// date) are held once and referred to by number. Summaries are not kept,
// only their hashes: the deadline rule shows a summary only in a finding
// it renders, and reads it from the store then (≈ 6 MB at 125,000 open
// tasks).
type taskCopy struct {
	mu       sync.RWMutex
	cfg      *configs.Config // config it was built for; nil: not built
	projects map[string]bool
	seq      store.TaskSeq    // the store's stamps it reflects
	recs     []taskRec        // open tasks, in no particular order
	index    map[string]int32 // task key → position in recs
	strTable                  // repeated strings, by number; names[0] is ""
	loads    int              // full reads so far, for tests and logs
	hint     int              // open tasks of the last copy dropped, to size the next
	seed     maphash.Seed     // of the summaries' hashes, for the copy's lifetime
}

func newTaskCopy() *taskCopy { return &taskCopy{seed: maphash.MakeSeed()} }

// taskRec is what the copy keeps of an open task: what the deadline and
// workload rules judge by, 72 bytes plus the key.
type taskRec struct {
	key      string
	sum      uint64   // the summary's hash (maphash.String under the copy's seed)
	est      [3]int64 // original and remaining estimates, time spent, in seconds; set per bit of has
	project  uint32   // names[project] is the project key; likewise below
	status   uint32
	category uint32
	assignee uint32
	due      uint32
	has      uint8 // bit i: est[i] is set
}

// syncTasks brings the copy up to date with the store for cfg. It returns
// true when it read every task again.
func (c *taskCopy) syncTasks(ctx context.Context, st store.Store, log store.TaskLog, cfg *configs.Config) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg != cfg {
		return true, c.rebuild(ctx, st, log, cfg)
	}
	seq, err := log.TaskSeq(ctx)
	if err != nil {
		c.cfg = nil
		return false, err
	}
	if seq.Removed != c.seq.Removed || seq.Written < c.seq.Written {
		return true, c.rebuild(ctx, st, log, cfg)
	}
	if seq.Written == c.seq.Written {
		return false, nil
	}
	// Stamps are read before the tasks: a write landing in between is
	// read now and again next time, never missed.
	// One task at a time: after a pull that wrote most tasks (the first
	// one), reading them all at once held ≈ 60 MB at the reference load.
	err = log.EachTaskWrittenAfter(ctx, c.seq.Written, func(t *connectors.Task) error {
		c.apply(t)
		return nil
	})
	if err != nil {
		c.cfg = nil
		return false, err
	}
	c.seq = seq
	return false, nil
}

// rebuildProjects is how many projects a rebuild reads at a time.
const rebuildProjects = 64

func (c *taskCopy) rebuild(ctx context.Context, st store.Store, log store.TaskLog, cfg *configs.Config) error {
	c.drop()
	hint := c.hint
	seq, err := log.TaskSeq(ctx)
	if err != nil {
		return err
	}
	projects := map[string]bool{}
	var keys []string
	for _, cl := range cfg.Clients {
		for _, p := range cl.JiraProjects {
			if !projects[p] {
				projects[p] = true
				keys = append(keys, p)
			}
		}
	}
	c.projects, c.names, c.ids = projects, []string{""}, map[string]uint32{"": 0}
	c.recs, c.index = make([]taskRec, 0, hint), make(map[string]int32, hint)
	// A few projects at a time: every open task read at once would hold a
	// full task value each (≈ 38 MB at 125,000 open tasks) beside the
	// records being built, the peak of a reload at the reference load.
	for start := 0; start < len(keys); start += rebuildProjects {
		part := keys[start:min(start+rebuildProjects, len(keys))]
		ts, err := st.ListTasks(ctx, store.TaskFilter{ProjectKeys: part, OpenOnly: true})
		if err != nil {
			c.drop()
			return fmt.Errorf("loading the tasks of %d projects: %w", len(part), err)
		}
		for i := range ts {
			c.index[ts[i].Key] = int32(len(c.recs))
			c.recs = append(c.recs, c.record(&ts[i]))
		}
	}
	if cap(c.recs) > len(c.recs)+len(c.recs)/4 {
		c.recs = slices.Clip(slices.Clone(c.recs)) // appending left up to twice the room
	}
	c.cfg, c.seq = cfg, seq
	c.loads++
	return nil
}

// apply puts the latest stored version of a task into the copy: an open
// task of a configured project is kept, any other removed.
func (c *taskCopy) apply(t *connectors.Task) {
	i, had := c.index[t.Key]
	if !t.Open() || !c.projects[t.ProjectKey] {
		if !had {
			return
		}
		last := int32(len(c.recs) - 1)
		if i != last {
			c.recs[i] = c.recs[last]
			c.index[c.recs[i].key] = i
		}
		c.recs[last] = taskRec{}
		c.recs = c.recs[:last]
		delete(c.index, t.Key)
		return
	}
	if had {
		c.recs[i] = c.record(t)
		return
	}
	c.index[t.Key] = int32(len(c.recs))
	c.recs = append(c.recs, c.record(t))
}

// record is the copy's record of t.
func (c *taskCopy) record(t *connectors.Task) taskRec {
	r := taskRec{key: t.Key, sum: maphash.String(c.seed, t.Summary), project: c.id(t.ProjectKey), status: c.id(t.Status),
		category: c.id(string(t.StatusCategory)), assignee: c.id(t.AssigneeAccountID), due: c.id(t.DueDate)}
	for i, p := range [...]*int64{t.OriginalEstimate, t.RemainingEstimate, t.TimeSpent} {
		if p != nil {
			r.est[i], r.has = *p, r.has|1<<i
		}
	}
	return r
}

// strTable holds repeated strings once, each under a number.
type strTable struct {
	names []string          // by number
	ids   map[string]uint32 // name → its number
}

// id is s's number, s added when new.
func (t *strTable) id(s string) uint32 {
	if n, ok := t.ids[s]; ok {
		return n
	}
	n := uint32(len(t.names))
	t.names = append(t.names, s)
	t.ids[s] = n
	return n
}

// task fills t with what the copy holds of r; its Summary is empty. The
// estimates point into r; t must not outlive the caller's hold on the
// copy.
func (c *taskCopy) task(r *taskRec, t *connectors.Task) {
	*t = connectors.Task{Key: r.key, ProjectKey: c.names[r.project], Status: c.names[r.status],
		StatusCategory: connectors.StatusCategory(c.names[r.category]), AssigneeAccountID: c.names[r.assignee],
		DueDate: c.names[r.due]}
	for i, p := range [...]**int64{&t.OriginalEstimate, &t.RemainingEstimate, &t.TimeSpent} {
		if r.has&(1<<i) != 0 {
			*p = &r.est[i]
		}
	}
}

// read calls fn, holding the copy still, with the number of open tasks
// and a function filling t with the i-th of them (0 ≤ i < n; Summary
// empty) and returning its summary's hash. fn must not keep or change the
// tasks.
func (c *taskCopy) read(fn func(n int, task func(i int, t *connectors.Task) uint64)) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	fn(len(c.recs), func(i int, t *connectors.Task) uint64 {
		c.task(&c.recs[i], t)
		return c.recs[i].sum
	})
}

// view calls fn with the open tasks, built from the records for the call
// (Summary empty); fn must not keep or change them.
func (c *taskCopy) view(fn func(tasks iter.Seq[*connectors.Task], n int)) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	// One task value, refilled from each record in turn: a slice of full
	// task values would cost ≈ 38 MB at 125,000 open tasks on every run.
	fn(func(yield func(*connectors.Task) bool) {
		var t connectors.Task
		for i := range c.recs {
			c.task(&c.recs[i], &t)
			if !yield(&t) {
				return
			}
		}
	}, len(c.recs))
}

// drop empties the copy: the next use rebuilds it.
func (c *taskCopy) drop() {
	if len(c.recs) > 0 {
		c.hint = len(c.recs)
	}
	c.cfg, c.recs, c.index, c.names, c.ids = nil, nil, nil, nil, nil
}

// withOpenTasks calls fn with the open tasks of cfg's clients' projects,
// one at a time, and how many there are: from the copy when the store
// stamps its task writes (their Summary then empty), read from the store
// otherwise. fn must not keep or change them.
func (e *Engine) withOpenTasks(ctx context.Context, cfg *configs.Config, fn func(tasks iter.Seq[*connectors.Task], n int)) error {
	if log, ok := e.st.(store.TaskLog); ok {
		if _, err := e.tasks.syncTasks(ctx, e.st, log, cfg); err != nil {
			return fmt.Errorf("updating the tasks in memory: %w", err)
		}
		e.tasks.view(fn)
		return nil
	}
	var projects []string
	for _, c := range cfg.Clients {
		projects = append(projects, c.JiraProjects...)
	}
	var tasks []connectors.Task
	if len(projects) > 0 {
		var err error
		if tasks, err = e.st.ListTasks(ctx, store.TaskFilter{ProjectKeys: projects, OpenOnly: true}); err != nil {
			return fmt.Errorf("loading tasks: %w", err)
		}
	}
	fn(func(yield func(*connectors.Task) bool) {
		for i := range tasks {
			if !yield(&tasks[i]) {
				return
			}
		}
	}, len(tasks))
	return nil
}
