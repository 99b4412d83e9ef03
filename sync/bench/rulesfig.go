package bench

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// measureRules generates the rule load and sets the rule figures: a full
// run of every rule (median of 3, after a first run that reads the store,
// timed on its own, as after a start), a run after one task changed
// (median of 20), and the peak Go heap and resident set over the first
// run and over the others (in the full figure's note).
func measureRules(ctx context.Context, opts Options, set func(Figure)) error {
	opts.Log.Info("generating the rule load", "scale", opts.Scale)
	dir, err := tempDir()
	if err != nil {
		return err
	}
	defer removeAll(dir)
	l, err := NewRuleLoad(ctx, dir, opts.Scale)
	if err != nil {
		return fmt.Errorf("generating the rule load: %w", err)
	}
	defer l.Store.Close()
	l.Restart()
	mem := WatchMemory()
	c0, w0 := CPUTime(), time.Now()
	if err := l.FullAll(ctx); err != nil {
		mem.Stop()
		return err
	}
	firstWall, firstCPU := time.Since(w0), CPUTime()-c0
	firstHeap, firstRSS := mem.Stop()
	mem = WatchMemory()
	var walls, cpus []time.Duration
	for range 3 {
		c0, w0 := CPUTime(), time.Now()
		if err := l.FullAll(ctx); err != nil {
			mem.Stop()
			return err
		}
		walls, cpus = append(walls, time.Since(w0)), append(cpus, CPUTime()-c0)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	fullWall, fullCPU := walls[1], cpus[1]
	l.Track()
	walls, cpus = nil, nil
	for range 20 {
		if err := l.Change(ctx); err != nil {
			mem.Stop()
			return err
		}
		c0, w0 := CPUTime(), time.Now()
		if err := l.Incremental(ctx); err != nil {
			mem.Stop()
			return err
		}
		walls, cpus = append(walls, time.Since(w0)), append(cpus, CPUTime()-c0)
	}
	heap, rss := mem.Stop()
	set(le(FigRulesFull, fullWall.Seconds(), "s", 1,
		fmt.Sprintf("every rule, the deadline rule's run full; median of 3 runs, %d tasks; CPU %s; "+
			"Go heap at most %.0f MB and resident set %.0f MB over these and the one-change runs (goal ≤ 150 MB); "+
			"first run after a start %s (CPU %s, heap at most %.0f MB, resident set %.0f MB)",
			l.NTasks, seconds(fullCPU), heap, rss, seconds(firstWall), seconds(firstCPU), firstHeap, firstRSS)))
	slices.Sort(walls)
	slices.Sort(cpus)
	set(le(FigRulesOne, float64(walls[10].Microseconds())/1000, "ms", 10,
		fmt.Sprintf("median of 20 runs; CPU %.1f ms", float64(cpus[10].Microseconds())/1000)))
	return nil
}
