package engine

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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
	client  string
	task    string
	hash    uint64 // of what sameContent compares: everything but the key and timestamps
	verdict uint64 // of the verdict and task fields it was rendered from (verdictHash); 0: unknown
	run     uint32 // the last full run that emitted it
}

// findingCopy is the open deadline findings of the configured clients,
// stored key → what is kept of them. Only the engine writes deadline
// findings, and every write it makes goes through recorded, so the copy
// stays what the store holds; a config reload or a failed run rebuilds it.
type findingCopy struct {
	cfg   *configs.Config
	byKey map[string]*openFinding
	seed  maphash.Seed
	run   uint32
	strs  map[string]string // interned client ids
	// rendered is how many findings the last full run rendered: those of
	// the tasks whose verdict or fields changed.
	rendered int
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
func keyOrder(key string) [16]byte {
	var out [16]byte
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
// with. It is never 0, which stands for unknown.
func (fc *findingCopy) verdictHash(t *connectors.Task, v *deadline.Verdict) uint64 {
	var h maphash.Hash
	h.SetSeed(fc.seed)
	var buf [binary.MaxVarintLen64]byte
	for _, s := range [...]string{t.Key, t.Summary, t.Status, t.AssigneeAccountID, t.DueDate, v.Kind} {
		_, _ = h.Write(binary.AppendUvarint(buf[:0], uint64(len(s))))
		_, _ = h.WriteString(s)
	}
	for _, n := range [...]int{v.Client, int(v.Severity), v.WorkingDays, v.DaysOverdue} {
		_, _ = h.Write(binary.AppendVarint(buf[:0], int64(n)))
	}
	return max(h.Sum64(), 1)
}

// unchanged reports whether an open finding of task t was recorded from
// the verdict summed as vh, marking it emitted by this run if so.
func (s *deadlineState) unchanged(t string, vh uint64) bool {
	fc := s.open
	for _, k := range s.byTask[t] {
		if of := fc.byKey[k]; of != nil && of.verdict == vh {
			of.run = fc.run
			return true
		}
	}
	return false
}

// find returns the open finding f continues: stored under f's key, or
// under the key one of its former kinds gives (as deliver continues it).
func (fc *findingCopy) find(f *rules.Finding) (string, *openFinding) {
	if of := fc.byKey[f.Key]; of != nil {
		return f.Key, of
	}
	for _, kind := range f.FormerKinds {
		k := rules.Key(f.Rule, f.ClientID, f.Subject, kind)
		if of := fc.byKey[k]; of != nil {
			return k, of
		}
	}
	return f.Key, nil
}

func (fc *findingCopy) intern(s string) string {
	if v, ok := fc.strs[s]; ok {
		return v
	}
	fc.strs[s] = s
	return s
}

// loadOpenFindings rebuilds the findings copy from the store, client by
// client so that no more than one client's findings are read at a time.
func (e *Engine) loadOpenFindings(ctx context.Context, cfg *configs.Config) error {
	s := e.deadline
	s.mu.Lock()
	// The copy being replaced goes now, not once the new one is built:
	// at the reference load each holds ≈ 20 MB.
	s.open, s.byTask = nil, map[string][]string{}
	s.mu.Unlock()
	fc := &findingCopy{cfg: cfg, byKey: map[string]*openFinding{}, seed: maphash.MakeSeed(), strs: map[string]string{}}
	byTask := map[string][]string{}
	for _, c := range cfg.Clients {
		fs, err := e.st.ListOpenFindings(ctx, store.FindingFilter{Rule: deadline.RuleName, ClientID: c.ID})
		if err != nil {
			return fmt.Errorf("loading the open findings of %s: %w", c.ID, err)
		}
		for i := range fs {
			f := &fs[i]
			fc.byKey[f.Key] = &openFinding{client: fc.intern(f.ClientID), task: f.Subject.ID, hash: fc.hash(f)}
			byTask[f.Subject.ID] = append(byTask[f.Subject.ID], f.Key)
		}
	}
	s.mu.Lock()
	s.open, s.byTask = fc, byTask
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
	stored := make([]string, len(fs))
	kept := make(map[string]bool, len(fs))
	for i := range fs {
		stored[i], _ = fc.find(&fs[i])
		kept[stored[i]] = true
	}
	for _, k := range resolved {
		if kept[k] {
			continue
		}
		if of := fc.byKey[k]; of != nil {
			delete(fc.byKey, k)
			ks := slices.DeleteFunc(s.byTask[of.task], func(x string) bool { return x == k })
			if len(ks) == 0 {
				delete(s.byTask, of.task)
			} else {
				s.byTask[of.task] = ks
			}
		}
	}
	for i := range fs {
		f, k := &fs[i], stored[i]
		of := fc.byKey[k]
		if of == nil {
			of = &openFinding{client: fc.intern(f.ClientID), task: f.Subject.ID}
			fc.byKey[k] = of
			s.byTask[of.task] = append(s.byTask[of.task], k)
		}
		of.hash, of.run, of.verdict = fc.hash(f), fc.run, 0
		if verdicts != nil {
			of.verdict = verdicts[i]
		}
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
		key          [16]byte // the key's hash, in the key's order
		vh           uint64
	}
	var (
		todo []pending
		ferr error
	)
	e.tasks.read(func(n int, task func(int, *connectors.Task)) {
		ntasks = n
		var t connectors.Task
		for i := range n {
			task(i, &t)
			v, ok := j.Task(&t)
			if !ok {
				continue
			}
			emitted++
			vh := fc.verdictHash(&t, &v)
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
		for i := range todo {
			p := &todo[i]
			task(int(p.task), &t)
			v, ok := j.Task(&t)
			if !ok {
				continue // cannot happen: the same task before the same judge
			}
			f := j.Finding(&t, v)
			if _, of := fc.find(&f); of != nil {
				of.run = fc.run
				if of.hash == fc.hash(&f) {
					of.verdict = p.vh
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
		if of.run != fc.run && scope[of.client] {
			resolve = append(resolve, k)
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
