package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// PullWindow is the span of days one pull replaces, for Google's daily
// metrics whose recent days keep changing (late Ads conversions, Search
// Console's not-yet-final data): the trailing days ending at last, reaching
// back to the day after lastPulled when runs were missed (never leaving a
// hole), and initial days on the first pull (lastPulled empty or unreadable
// counts as a first pull only when first is set). Days are "2006-01-02".
func PullWindow(last time.Time, trailing, initial int, lastPulled string, first bool) (from, to string) {
	y, m, d := last.Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -(trailing - 1))
	if first {
		start = end.AddDate(0, 0, -(initial - 1))
	} else if prev, err := time.Parse(time.DateOnly, lastPulled); err == nil && prev.AddDate(0, 0, 1).Before(start) {
		start = prev.AddDate(0, 0, 1)
	}
	return start.Format(time.DateOnly), end.Format(time.DateOnly)
}

// LoadCursor reads the JSON cursor stored under source into v. ok is false
// before the first successful pull, and when the stored cursor has another
// format version (the pull then starts over rather than misread it).
func LoadCursor(ctx context.Context, st store.Cursors, source string, version int, v any) (ok bool, err error) {
	c, err := st.GetCursor(ctx, source)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading cursor %s: %w", source, err)
	}
	if c.Version != version || json.Unmarshal(c.Data, v) != nil {
		return false, nil
	}
	return true, nil
}
