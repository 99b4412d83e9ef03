package engine

import (
	"context"
	"fmt"
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
// It holds what the rules read: labels, issue type and parent are dropped,
// and repeated strings (project, status, assignee, due date) are shared.
type taskCopy struct {
	mu       sync.RWMutex
	cfg      *configs.Config // config it was built for; nil: not built
	projects map[string]bool
	seq      store.TaskSeq     // the store's stamps it reflects
	tasks    []connectors.Task // open tasks, in no particular order
	index    map[string]int    // task key → position in tasks
	strs     map[string]string // interned strings
	loads    int               // full reads so far, for tests and logs
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
	ts, err := log.TasksWrittenAfter(ctx, c.seq.Written)
	if err != nil {
		c.cfg = nil
		return false, err
	}
	for i := range ts {
		c.apply(&ts[i])
	}
	c.seq = seq
	return false, nil
}

func (c *taskCopy) rebuild(ctx context.Context, st store.Store, log store.TaskLog, cfg *configs.Config) error {
	c.cfg, c.tasks, c.index, c.strs = nil, nil, nil, nil
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
	var ts []connectors.Task
	if len(keys) > 0 {
		if ts, err = st.ListTasks(ctx, store.TaskFilter{ProjectKeys: keys, OpenOnly: true}); err != nil {
			return fmt.Errorf("loading tasks: %w", err)
		}
	}
	c.projects, c.strs = projects, map[string]string{}
	// A copy at the exact size: the listing's spare capacity would be
	// held for good.
	c.tasks, c.index = make([]connectors.Task, 0, len(ts)), make(map[string]int, len(ts))
	for i := range ts {
		t := &ts[i]
		c.compact(t)
		c.index[t.Key] = len(c.tasks)
		c.tasks = append(c.tasks, *t)
		ts[i] = connectors.Task{}
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
		last := len(c.tasks) - 1
		if i != last {
			c.tasks[i] = c.tasks[last]
			c.index[c.tasks[i].Key] = i
		}
		c.tasks[last] = connectors.Task{}
		c.tasks = c.tasks[:last]
		delete(c.index, t.Key)
		return
	}
	c.compact(t)
	if had {
		c.tasks[i] = *t
		return
	}
	c.index[t.Key] = len(c.tasks)
	c.tasks = append(c.tasks, *t)
}

// compact drops what no rule reads and shares repeated strings.
func (c *taskCopy) compact(t *connectors.Task) {
	t.Labels, t.IssueType, t.ParentKey = nil, "", ""
	t.ProjectKey = c.intern(t.ProjectKey)
	t.Status = c.intern(t.Status)
	t.StatusCategory = connectors.StatusCategory(c.intern(string(t.StatusCategory)))
	t.AssigneeAccountID = c.intern(t.AssigneeAccountID)
	t.DueDate = c.intern(t.DueDate)
}

func (c *taskCopy) intern(s string) string {
	if v, ok := c.strs[s]; ok {
		return v
	}
	c.strs[s] = s
	return s
}

// view calls fn with the open tasks; fn must not keep or change them.
func (c *taskCopy) view(fn func(tasks []connectors.Task)) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	fn(c.tasks)
}

// reset drops the copy: the next use rebuilds it.
func (c *taskCopy) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cfg, c.tasks, c.index, c.strs = nil, nil, nil, nil
}

// withOpenTasks calls fn with the open tasks of cfg's clients' projects:
// from the copy when the store stamps its task writes, read from the store
// otherwise. fn must not keep or change them.
func (e *Engine) withOpenTasks(ctx context.Context, cfg *configs.Config, fn func(tasks []connectors.Task)) error {
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
	fn(tasks)
	return nil
}
