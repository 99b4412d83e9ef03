package google

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
)

// Failure is one item that Fanout tried and that failed.
type Failure[T any] struct {
	Item T
	Err  error
}

// Outcome is what Fanout did with each item: succeeded (Results, in no
// particular order), failed, or skipped because a failure before it had
// a cause it shares.
type Outcome[T, R any] struct {
	Results []R
	Failed  []Failure[T]
	Skipped []T
}

// Fanout runs run for every item, at most conc at a time. Google pulls run
// per account or property, and some failures are not the item's own: a
// revoked refresh token or a sunset API version fails every item sharing
// it. causes names what an item depends on (its token source, the API
// version); fatal names which of those a failure proved broken. Items
// depending on a broken cause are not tried, so one error is reported
// instead of hundreds of identical ones and no quota is spent on them.
func Fanout[T, R any](ctx context.Context, items []T, conc int, causes func(T) []any,
	run func(context.Context, T) (R, error), fatal func(T, error) []any) Outcome[T, R] {
	var (
		mu     sync.Mutex
		out    Outcome[T, R]
		broken = map[any]bool{}
		wg     sync.WaitGroup
	)
	do := func(it T) {
		mu.Lock()
		skip := false
		for _, c := range causes(it) {
			skip = skip || broken[c]
		}
		if skip {
			out.Skipped = append(out.Skipped, it)
		}
		mu.Unlock()
		if skip {
			return
		}
		res, err := run(ctx, it)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			for _, c := range fatal(it, err) {
				broken[c] = true
			}
			out.Failed = append(out.Failed, Failure[T]{Item: it, Err: err})
			return
		}
		out.Results = append(out.Results, res)
	}
	// conc workers take the items in turn rather than one goroutine per item
	// waiting on a semaphore: 2,000 accounts would otherwise be 2,000
	// goroutines, 16 MB of stacks for a pull that runs conc at a time, and a
	// goroutine that has just given its slot back would still be alive while
	// the next one starts.
	next := 0
	take := func() (T, bool) {
		mu.Lock()
		defer mu.Unlock()
		var zero T
		if next >= len(items) {
			return zero, false
		}
		next++
		return items[next-1], true
	}
	for range min(max(conc, 1), len(items)) {
		wg.Go(func() {
			for it, ok := take(); ok; it, ok = take() {
				do(it)
			}
		})
	}
	wg.Wait()
	return out
}

// Err joins the failures, each wrapped by wrap and sorted by message, and
// when items were skipped one more error after them, made by skipped from
// their number and their names (sorted, comma-separated). Nil when all
// succeeded.
func (o Outcome[T, R]) Err(wrap func(Failure[T]) error, name func(T) string, skipped func(n int, names string) error) error {
	errs := make([]error, 0, len(o.Failed)+1)
	for _, f := range o.Failed {
		errs = append(errs, wrap(f))
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	if len(o.Skipped) > 0 {
		names := make([]string, 0, len(o.Skipped))
		for _, it := range o.Skipped {
			names = append(names, name(it))
		}
		sort.Strings(names)
		errs = append(errs, skipped(len(names), strings.Join(names, ", ")))
	}
	return errors.Join(errs...)
}
