package jirafake

import (
	"slices"
	"sort"
	"strconv"
	"time"
)

// A query ordered by `updated` ascending — every page of Liaison's pull —
// is answered by walking the updated index from the page token instead of
// matching and sorting the whole result: a page costs the issues it returns
// plus the non-matching ones it steps over, the same at 20,000 issues as at
// 200,000, and no write (which would drop a cached result) makes the next
// page expensive.

// streamableLocked reports whether cq can be walked along the updated index
// cheaply: it is ordered by updated ascending first, and its matches are
// dense in the index (no project restriction, or projects holding at least
// a quarter of the candidates). Sparse queries — a few projects of many —
// use the cached result instead, which reads only those projects' issues.
func (f *Fake) streamableLocked(cq *compiledQuery) bool {
	if len(cq.order) == 0 || !cq.order[0].updated || cq.order[0].desc {
		return false
	}
	if cq.projects == nil {
		return true
	}
	return 4*f.projectIssueCount(cq.projects) >= len(f.byUpdated)-f.updatedFromLocked(cq.updatedFrom)
}

// updatedFromLocked is the first index position updated at or after t.
func (f *Fake) updatedFromLocked(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	return sort.Search(len(f.byUpdated), func(i int) bool { return !f.byUpdated[i].updated.Before(t) })
}

// streamPageLocked returns up to limit matches of cq after the token row,
// in the query's order, skipping (but stepping over, like the cached path)
// those lagged hides; last is the row of the last issue examined, and more
// whether any match follows it. Issues with the same updated instant are
// ordered among themselves by the remaining ORDER BY terms and id.
func (f *Fake) streamPageLocked(cq *compiledQuery, after *sortRow, limit int, lagged func(*issue) bool) (page []*issue, last sortRow, more bool) {
	from := cq.updatedFrom
	if after != nil {
		if ns, err := strconv.ParseInt(after.keys[0], 10, 64); err == nil && time.Unix(0, ns).After(from) {
			from = time.Unix(0, ns)
		}
	}
	i := f.updatedFromLocked(from)
	for i < len(f.byUpdated) {
		// One group of equal updated instants, sorted by the full order.
		j := i + 1
		for j < len(f.byUpdated) && f.byUpdated[j].updated.Equal(f.byUpdated[i].updated) {
			j++
		}
		var rows []sortRow
		f.scanned.Add(int64(j - i))
		for _, is := range f.byUpdated[i:j] {
			if cq.match(is) {
				rows = append(rows, sortRowOf(cq.order, is))
			}
		}
		slices.SortFunc(rows, func(a, b sortRow) int { return compareRows(cq.order, a, b) })
		for _, row := range rows {
			if after != nil && compareRows(cq.order, row, *after) <= 0 {
				continue
			}
			if len(page) == limit {
				return page, last, true
			}
			is := f.issues[row.id]
			last = row
			if lagged(is) {
				continue
			}
			page = append(page, is)
		}
		i = j
	}
	return page, last, false
}
