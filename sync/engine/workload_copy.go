package engine

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// workloadState is what the workload rule keeps between runs when the
// store stamps its task writes (store.TaskLog, SQLite) and the reconciler
// is keyed: its open findings, as key → hash of what a reader compares.
// Only the engine writes workload findings to such a store, one process
// owning it, and every write it makes goes through the copy, so the copy
// stays what the store holds; a start or a failed run reads it again.
//
// Workload findings do not depend on the config the way the deadline
// rule's scope does (every open workload finding is in scope, whoever it
// is about), so a config reload keeps the copy: the next run compares the
// findings the new config gives with it and writes what differs.
type workloadState struct {
	run  sync.Mutex    // held for a whole RunWorkload: runs are serialized
	open *workloadCopy // nil: read from the store at the next run
}

// workloadCopy is the open workload findings of the store.
type workloadCopy struct {
	byKey map[string]workloadOpen
	seed  maphash.Seed
	run   uint32
}

// workloadOpen is what is kept of an open workload finding.
type workloadOpen struct {
	hash uint64 // of what workload.Same compares
	run  uint32 // the last run that emitted it
}

// hash sums what workload.Same compares: rule, client, subject, severity,
// title and the fields that are not clocked. Two findings with the same
// hash read the same to the AM, the working hours left aside.
func (wc *workloadCopy) hash(f *rules.Finding) uint64 {
	return findingHash(wc.seed, f, workload.Clocked)
}

// loadWorkloadFindings reads the open workload findings from the store
// into a new copy, one finding at a time. All of them are read, not only
// the configured people's and clients': findings of people or clients no
// longer configured are in scope too, and must be resolved.
func (e *Engine) loadWorkloadFindings(ctx context.Context) (*workloadCopy, error) {
	wc := &workloadCopy{byKey: map[string]workloadOpen{}, seed: maphash.MakeSeed()}
	err := e.st.EachOpenFinding(ctx, store.FindingFilter{Rule: workload.RuleName}, func(f *rules.Finding) error {
		wc.byKey[f.Key] = workloadOpen{hash: wc.hash(f)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading the open workload findings: %w", err)
	}
	return wc, nil
}

// runWorkloadCopy evaluates the workload rule at now over the tasks in
// memory and compares each finding with the open ones in memory as it is
// made: only new findings, changed ones (workload.Same) and those no
// longer emitted reach delivery and the store, a batch at a time, and
// unchanged findings are not kept. The caller holds e.workload.run.
func (e *Engine) runWorkloadCopy(ctx context.Context, rec KeyedReconciler, cfg *configs.Config, now time.Time) (err error) {
	s := &e.workload
	defer func() {
		if err != nil {
			s.open = nil // read from the store next time
		}
	}()
	reloaded := s.open == nil
	if reloaded {
		if s.open, err = e.loadWorkloadFindings(ctx); err != nil {
			return err
		}
	}
	wc := s.open
	wc.run++
	var (
		res                        deliver.ReconcileResult
		batch                      []rules.Finding
		emitted, unchanged, ntasks int
		ferr                       error
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// In the order the run reading the store hands them over.
		slices.SortFunc(batch, func(a, b rules.Finding) int {
			return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
		})
		r, err := rec.ReconcileKeys(ctx, workload.RuleName, batch, nil, now)
		if err != nil {
			return fmt.Errorf("recording %d findings: %w", len(batch), err)
		}
		addResult(&res, r)
		for i := range batch {
			wc.byKey[batch[i].Key] = workloadOpen{hash: wc.hash(&batch[i]), run: wc.run}
		}
		clear(batch)
		batch = batch[:0]
		return nil
	}
	err = e.workloadInput(ctx, cfg, func(in workload.Input, n int) {
		ntasks = n
		if !cfg.Rules.Workload.Enabled {
			return // every open finding resolves
		}
		workload.Each(in, now, func(f rules.Finding) bool {
			emitted++
			if of, ok := wc.byKey[f.Key]; ok {
				of.run = wc.run
				wc.byKey[f.Key] = of
				if of.hash == wc.hash(&f) {
					unchanged++
					return true
				}
			}
			batch = append(batch, f)
			if len(batch) >= copyBatch {
				ferr = flush()
			}
			return ferr == nil
		})
		if ferr == nil {
			ferr = flush()
		}
	})
	if err != nil {
		return err
	}
	if ferr != nil {
		return ferr
	}
	var resolve []string
	for k, of := range wc.byKey {
		if of.run != wc.run {
			resolve = append(resolve, k)
		}
	}
	if err := resolveKeys(ctx, rec, workload.RuleName, resolve, now, &res, func(part []string) {
		for _, k := range part {
			delete(wc.byKey, k)
		}
	}); err != nil {
		return err
	}
	e.log.Debug("rule evaluated", "rule", workload.RuleName, "tasks", ntasks, "findings", emitted,
		"unchanged", unchanged, "new", res.New, "changed", res.Changed, "resolved", res.Resolved,
		"planned", res.Planned, "unrouted", res.Unrouted, "reloaded", reloaded)
	return nil
}

// carryClocked gives each emitted finding the clocked fields of its open
// version in the store when nothing else in it changed (workload.Carry),
// so that delivery, which compares every field, sees it unchanged. It is
// the run reading the store's counterpart of comparing with the copy.
func (e *Engine) carryClocked(ctx context.Context, findings []rules.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	emitted := make(map[string]*rules.Finding, len(findings))
	for i := range findings {
		emitted[findings[i].Key] = &findings[i]
	}
	err := e.st.EachOpenFinding(ctx, store.FindingFilter{Rule: workload.RuleName}, func(prev *rules.Finding) error {
		if next := emitted[prev.Key]; next != nil {
			workload.Carry(prev, next)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("loading the open workload findings: %w", err)
	}
	return nil
}
