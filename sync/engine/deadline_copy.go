package engine

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// copyBatch is how many new or changed findings a full run from the copy
// records per transaction: a day turning changes most findings, and
// holding all of them until the end would hold them all in memory.
const copyBatch = 1000

// openFinding is what the engine keeps of an open deadline finding between
// full runs: enough to tell whether an emitted finding is the same, and to
// resolve it when it is no longer emitted.
type openFinding struct {
	task    string
	hash    uint64 // of what sameContent compares: everything but the key and timestamps
	verdict uint64 // of the verdict and task fields it was rendered from (verdictHash); 0: unknown
	client  uint32 // clients.names[client] is its client's id
	run     uint32 // the last full run that emitted it
}

// findingKey is a deadline finding's key in 16 bytes (keyOrder): the copy
// holds one per open finding, ≈ 110,000 at the reference load, where the
// keys as strings were 41 bytes and a pointer each.
type findingKey = [16]byte

// findingCopy is the open deadline findings of the configured clients,
// stored key → what is kept of them. Only the engine writes deadline
// findings, and every write it makes goes through recorded, so the copy
// stays what the store holds; a config reload or a failed run rebuilds it.
type findingCopy struct {
	cfg   *configs.Config
	byKey map[findingKey]openFinding
	// byTask is the key of each task's open finding, for tasks with one
	// (all but a few); more is every key of the tasks with more than one.
	// A map of slices would hold a slice header and an array per task.
	byTask  map[string]findingKey
	more    map[string][]findingKey
	odd     map[findingKey]string // the keys that are not rule:hex (none is made so), as stored
	seed    maphash.Seed
	run     uint32
	clients strTable // client ids by number
	// rendered is how many findings the last full run rendered: those of
	// the tasks whose verdict or fields changed.
	rendered int
}

func newFindingCopy(cfg *configs.Config) *findingCopy {
	return &findingCopy{cfg: cfg, byKey: map[findingKey]openFinding{}, byTask: map[string]findingKey{}, more: map[string][]findingKey{},
		odd: map[findingKey]string{}, seed: maphash.MakeSeed(), clients: strTable{ids: map[string]uint32{}}}
}

// key is the copy's form of the stored key k.
func (fc *findingCopy) key(k string) findingKey {
	fk := keyOrder(k)
	if !isHexKey(k, deadline.RuleName) {
		fc.odd[fk] = k
	}
	return fk
}

// stored is the key the store holds for fk.
func (fc *findingCopy) stored(fk findingKey) string {
	if k, ok := fc.odd[fk]; ok {
		return k
	}
	return deadline.RuleName + ":" + hex.EncodeToString(fk[:])
}

// isHexKey reports whether k is rule, a colon and 32 lowercase hexadecimal
// digits: the keys rules.Key makes, which the copy's 16 bytes give back.
func isHexKey(k, rule string) bool {
	h, ok := strings.CutPrefix(k, rule+":")
	if !ok || len(h) != 32 {
		return false
	}
	for i := range len(h) {
		if c := h[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// keysOfTask is the stored keys of task's open findings.
func (fc *findingCopy) keysOfTask(task string) []string {
	var out []string
	var buf [1]findingKey
	for _, fk := range fc.taskKeys(task, &buf) {
		out = append(out, fc.stored(fk))
	}
	return out
}

// taskKeys is the keys of task's open findings, in buf when there is one.
func (fc *findingCopy) taskKeys(task string, buf *[1]findingKey) []findingKey {
	if ks, ok := fc.more[task]; ok {
		return ks
	}
	if k, ok := fc.byTask[task]; ok {
		buf[0] = k
		return buf[:]
	}
	return nil
}

// addTaskKey records that task has an open finding under k.
func (fc *findingCopy) addTaskKey(task string, k findingKey) {
	if ks, ok := fc.more[task]; ok {
		fc.more[task] = append(ks, k)
		return
	}
	if first, ok := fc.byTask[task]; ok && first != k {
		delete(fc.byTask, task)
		fc.more[task] = []findingKey{first, k}
		return
	}
	fc.byTask[task] = k
}

// removeTaskKey records that task's finding under k is no longer open.
func (fc *findingCopy) removeTaskKey(task string, k findingKey) {
	ks, ok := fc.more[task]
	if !ok {
		if fc.byTask[task] == k {
			delete(fc.byTask, task)
		}
		return
	}
	ks = slices.DeleteFunc(ks, func(x findingKey) bool { return x == k })
	switch len(ks) {
	case 0:
		delete(fc.more, task)
	case 1:
		delete(fc.more, task)
		fc.byTask[task] = ks[0]
	default:
		fc.more[task] = ks
	}
}

// hash sums what a person reads in a finding (what deliver compares
// before writing): rule, client, subject, severity, title and fields.
func (fc *findingCopy) hash(f *rules.Finding) uint64 { return findingHash(fc.seed, f, nil) }

// findingHash sums, under seed, a finding's rule, client, subject,
// severity, title and the fields skip does not name (every field when skip
// is nil). The key is left out: the copies look findings up by it.
func findingHash(seed maphash.Seed, f *rules.Finding, skip func(field string) bool) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	var buf [binary.MaxVarintLen64]byte
	str := func(s string) {
		_, _ = h.Write(binary.AppendUvarint(buf[:0], uint64(len(s))))
		_, _ = h.WriteString(s)
	}
	for _, s := range [...]string{f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Title} {
		str(s)
	}
	_, _ = h.Write(binary.AppendVarint(buf[:0], int64(f.Severity)))
	var arr [24]string
	keys := arr[:0]
	for k := range f.Fields {
		if skip == nil || !skip(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		str(k)
		str(f.Fields[k])
	}
	return h.Sum64()
}

// keyOrder is 16 bytes that sort as key does among keys of one rule: the
// hexadecimal hash rules.Key ends with, decoded. A key of another shape
// (none is made so) is hashed instead, which keeps it apart from others.
func keyOrder(key string) findingKey {
	var out findingKey
	h := key[strings.LastIndexByte(key, ':')+1:]
	if len(h) == 2*len(out) {
		if _, err := hex.Decode(out[:], []byte(h)); err == nil {
			return out
		}
	}
	sum := sha256.Sum256([]byte(key))
	copy(out[:], sum[:])
	return out
}

// resolveKeys resolves the open findings of rule under keys, in key order
// and copyBatch at a time, adding to res; done is told each batch once it
// is recorded.
func resolveKeys(ctx context.Context, rec KeyedReconciler, rule string, keys []string, now time.Time,
	res *deliver.ReconcileResult, done func(part []string)) error {
	sort.Strings(keys)
	for start := 0; start < len(keys); start += copyBatch {
		part := keys[start:min(start+copyBatch, len(keys))]
		r, err := rec.ReconcileKeys(ctx, rule, nil, part, now)
		if err != nil {
			return fmt.Errorf("resolving %d findings: %w", len(part), err)
		}
		addResult(res, r)
		done(part)
	}
	return nil
}

// verdictHash sums what a deadline finding is rendered from besides the
// config: the task's fields it shows and the rule's verdict. Under one
// config, equal sums mean equal findings, so a full run renders a finding
// only for a task whose sum is not the one its open finding was recorded
// with. summary is the hash of t's summary, which the task copy keeps in
// its place. It is never 0, which stands for unknown.
func (fc *findingCopy) verdictHash(t *connectors.Task, summary uint64, v *deadline.Verdict) uint64 {
	var h maphash.Hash
	h.SetSeed(fc.seed)
	var buf [binary.MaxVarintLen64]byte
	for _, s := range [...]string{t.Key, t.Status, t.AssigneeAccountID, t.DueDate, v.Kind} {
		_, _ = h.Write(binary.AppendUvarint(buf[:0], uint64(len(s))))
		_, _ = h.WriteString(s)
	}
	for _, n := range [...]int{v.Client, int(v.Severity), v.WorkingDays, v.DaysOverdue, int(summary)} {
		_, _ = h.Write(binary.AppendVarint(buf[:0], int64(n)))
	}
	return max(h.Sum64(), 1)
}

// unchanged reports whether an open finding of task t was recorded from
// the verdict summed as vh, marking it emitted by this run if so.
func (s *deadlineState) unchanged(t string, vh uint64) bool {
	fc := s.open
	var buf [1]findingKey
	for _, k := range fc.taskKeys(t, &buf) {
		if of, ok := fc.byKey[k]; ok && of.verdict == vh {
			of.run = fc.run
			fc.byKey[k] = of
			return true
		}
	}
	return false
}

// find returns the open finding f continues: stored under f's key, or
// under the key one of its former kinds gives (as deliver continues it).
// ok is false when there is none; the key is then f's.
func (fc *findingCopy) find(f *rules.Finding) (k findingKey, of openFinding, ok bool) {
	k = fc.key(f.Key)
	if of, ok := fc.byKey[k]; ok {
		return k, of, true
	}
	for _, kind := range f.FormerKinds {
		fk := keyOrder(rules.Key(f.Rule, f.ClientID, f.Subject, kind))
		if of, ok := fc.byKey[fk]; ok {
			return fk, of, true
		}
	}
	return k, openFinding{}, false
}

// loadOpenFindings rebuilds the findings copy from the store, client by
// client so that no more than one client's findings are read at a time.
func (e *Engine) loadOpenFindings(ctx context.Context, cfg *configs.Config) error {
	s := e.deadline
	s.mu.Lock()
	// The copy being replaced goes now, not once the new one is built:
	// at the reference load each holds ≈ 20 MB.
	s.open = nil
	s.mu.Unlock()
	fc := newFindingCopy(cfg)
	for _, c := range cfg.Clients {
		fs, err := e.st.ListOpenFindings(ctx, store.FindingFilter{Rule: deadline.RuleName, ClientID: c.ID})
		if err != nil {
			return fmt.Errorf("loading the open findings of %s: %w", c.ID, err)
		}
		for i := range fs {
			f := &fs[i]
			k := fc.key(f.Key)
			fc.byKey[k] = openFinding{client: fc.clients.id(f.ClientID), task: f.Subject.ID, hash: fc.hash(f)}
			fc.addTaskKey(f.Subject.ID, k)
		}
	}
	s.mu.Lock()
	s.open = fc
	s.mu.Unlock()
	return nil
}

// recorded updates the findings copy after findings were recorded and the
// keys in resolved resolved unless emitted, in one ReconcileKeys call.
// verdicts, when not nil, holds the verdictHash each finding was rendered
// from.
func (s *deadlineState) recorded(fs []rules.Finding, resolved []string, verdicts []uint64) {
	fc := s.open
	if fc == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := make([]findingKey, len(fs))
	kept := make(map[findingKey]bool, len(fs))
	for i := range fs {
		stored[i], _, _ = fc.find(&fs[i])
		kept[stored[i]] = true
	}
	for _, rk := range resolved {
		// keyOrder, not key: a stored key of another shape is in odd
		// already when open, and one that is not open must not be added.
		k := keyOrder(rk)
		if kept[k] {
			continue
		}
		if of, ok := fc.byKey[k]; ok {
			delete(fc.byKey, k)
			delete(fc.odd, k)
			fc.removeTaskKey(of.task, k)
		}
	}
	for i := range fs {
		f, k := &fs[i], stored[i]
		of, ok := fc.byKey[k]
		if !ok {
			of = openFinding{client: fc.clients.id(f.ClientID), task: f.Subject.ID}
			fc.addTaskKey(of.task, k)
		}
		of.hash, of.run, of.verdict = fc.hash(f), fc.run, 0
		if verdicts != nil {
			of.verdict = verdicts[i]
		}
		fc.byKey[k] = of
	}
}

// runDeadlineCopy is a full run over the tasks in memory, compared with
// the open findings in memory: only new and changed findings, and those no
// longer emitted, reach delivery (and the store), a batch at a time.
func (e *Engine) runDeadlineCopy(ctx context.Context, rec KeyedReconciler, log store.TaskLog, cfg *configs.Config, days string, now time.Time) (err error) {
	s := e.deadline
	defer func() {
		if err != nil {
			// Rebuilt from the store by the next run, which is a full one:
			// the map of findings by task may be partly loaded.
			s.mu.Lock()
			s.open, s.cfg = nil, nil
			s.mu.Unlock()
		}
	}()
	rebuilt, err := e.tasks.syncTasks(ctx, e.st, log, cfg)
	if err != nil {
		return fmt.Errorf("updating the tasks in memory: %w", err)
	}
	if s.open == nil || s.open.cfg != cfg {
		if err := e.loadOpenFindings(ctx, cfg); err != nil {
			return err
		}
		rebuilt = true
	}
	fc := s.open
	fc.run++
	var (
		res                        deliver.ReconcileResult
		batch                      []rules.Finding
		verdicts                   []uint64
		emitted, unchanged, ntasks int
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		r, err := rec.ReconcileKeys(ctx, deadline.RuleName, batch, nil, now)
		if err != nil {
			return fmt.Errorf("recording %d findings: %w", len(batch), err)
		}
		addResult(&res, r)
		s.recorded(batch, nil, verdicts)
		clear(batch)
		batch, verdicts = batch[:0], verdicts[:0]
		return nil
	}
	in := DeadlineInput(cfg, nil)
	j := deadline.NewJudge(in, now)
	// A task whose verdict and fields are those its open finding was
	// recorded from is done with; the others are rendered, in the order
	// deadline.Evaluate returns their findings (client, then key), and
	// compared. Only 32 bytes are kept of each until then, and the task
	// is judged again when rendered: after a start or on the day a month
	// turns, every open task is to be rendered, and keeping its verdict
	// and key held 26 MB at 125,000 open tasks.
	type pending struct {
		task, client int32
		key          findingKey // the key's hash, in the key's order
		vh           uint64
	}
	var (
		todo []pending
		ferr error
	)
	sums := &summaries{ctx: ctx, st: e.st, client: -1}
	e.tasks.read(func(n int, task func(int, *connectors.Task) uint64) {
		ntasks = n
		var t connectors.Task
		for i := range n {
			sum := task(i, &t)
			v, ok := j.Task(&t)
			if !ok {
				continue
			}
			emitted++
			vh := fc.verdictHash(&t, sum, &v)
			if s.unchanged(t.Key, vh) {
				unchanged++
				continue
			}
			todo = append(todo, pending{task: int32(i), client: int32(v.Client), key: keyOrder(j.Key(&t, &v)), vh: vh})
		}
		fc.rendered = len(todo)
		slices.SortFunc(todo, func(a, b pending) int {
			return cmp.Or(strings.Compare(in.Clients[a.client].ID, in.Clients[b.client].ID), bytes.Compare(a.key[:], b.key[:]))
		})
		end, bulk := 0, false // todo[i:end] are of todo[i]'s client; bulk: more than summariesOneByOne of them
		for i := range todo {
			p := &todo[i]
			if i >= end {
				for end = i + 1; end < len(todo) && todo[end].client == p.client; end++ {
				}
				bulk = end-i > summariesOneByOne
			}
			task(int(p.task), &t)
			v, ok := j.Task(&t)
			if !ok {
				continue // cannot happen: the same task before the same judge
			}
			summary, found, err := sums.get(p.client, in.Clients[p.client].Projects, bulk, t.Key)
			if err != nil {
				ferr = err
				return
			}
			if !found {
				// Closed, moved or deleted since the copy was brought up
				// to date: the next run sees the change and judges it;
				// until then its finding stays as it is.
				if of, ok := fc.byKey[p.key]; ok {
					of.run = fc.run
					fc.byKey[p.key] = of
				}
				continue
			}
			t.Summary = summary
			f := j.Finding(&t, v)
			if k, of, ok := fc.find(&f); ok {
				of.run = fc.run
				same := of.hash == fc.hash(&f)
				if same {
					of.verdict = p.vh
				}
				fc.byKey[k] = of
				if same {
					unchanged++
					continue
				}
			}
			batch, verdicts = append(batch, f), append(verdicts, p.vh)
			if len(batch) >= copyBatch {
				if ferr = flush(); ferr != nil {
					return
				}
			}
		}
	})
	todo = nil
	if ferr == nil {
		ferr = flush()
	}
	if ferr != nil {
		return ferr
	}
	scope := make(map[string]bool, len(cfg.Clients))
	for _, c := range cfg.Clients {
		scope[c.ID] = true
	}
	var resolve []string
	for k, of := range fc.byKey {
		if of.run != fc.run && scope[fc.clients.names[of.client]] {
			resolve = append(resolve, fc.stored(k))
		}
	}
	if err := resolveKeys(ctx, rec, deadline.RuleName, resolve, now, &res, func(part []string) { s.recorded(nil, part, nil) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.cfg, s.days, s.fullAt = cfg, days, now
	s.mu.Unlock()
	e.log.Debug("rule evaluated", "rule", deadline.RuleName, "tasks", ntasks, "findings", emitted,
		"unchanged", unchanged, "rendered", fc.rendered, "new", res.New, "changed", res.Changed, "resolved", res.Resolved,
		"planned", res.Planned, "unrouted", res.Unrouted, "reloaded", rebuilt)
	return nil
}

func addResult(sum *deliver.ReconcileResult, r deliver.ReconcileResult) {
	sum.New += r.New
	sum.Reopened += r.Reopened
	sum.Changed += r.Changed
	sum.Unchanged += r.Unchanged
	sum.Resolved += r.Resolved
	sum.Planned += r.Planned
	sum.Unrouted += r.Unrouted
}

// summariesOneByOne is the most tasks of one client a full run renders
// that it reads one at a time for their summaries; more read the
// client's open tasks at once.
const summariesOneByOne = 8

// summaries reads from the store the summaries of the tasks a full run
// renders, which the task copy does not keep: one client's open tasks at
// a time when the run renders many of them (every task after a start or a
// reload), one task at a time otherwise.
type summaries struct {
	ctx    context.Context
	st     store.Store
	client int32             // whose open tasks byKey holds; -1: none
	byKey  map[string]string // task key → summary
}

// get returns the summary of the open task key of client (whose projects
// are projects), and false when no such task is stored now; many says
// to read the client's open tasks at once.
func (r *summaries) get(client int32, projects []string, many bool, key string) (string, bool, error) {
	if !many {
		t, err := r.st.GetTask(r.ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("reading task %s: %w", key, err)
		}
		return t.Summary, t.Open() && slices.Contains(projects, t.ProjectKey), nil
	}
	if r.client != client {
		ts, err := r.st.ListTasks(r.ctx, store.TaskFilter{ProjectKeys: projects, OpenOnly: true})
		if err != nil {
			return "", false, fmt.Errorf("reading the tasks of %d projects: %w", len(projects), err)
		}
		r.byKey = make(map[string]string, len(ts))
		for i := range ts {
			r.byKey[ts[i].Key] = ts[i].Summary
		}
		r.client = client
	}
	s, ok := r.byKey[key]
	return s, ok, nil
}
