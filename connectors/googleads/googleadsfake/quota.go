package googleadsfake

import (
	"strconv"
	"time"
)

// Daily operation limits of the developer token's access levels, as Google
// documents them; a searchStream call is one operation however many rows it
// streams.
const (
	ExplorerAccessOperations = 2880  // production accounts, Explorer access
	BasicAccessOperations    = 15000 // Basic access
)

// dailyOps counts the developer token's operations of one day, in Pacific
// time, when Google's day turns.
type dailyOps struct {
	day  string
	used int
}

// takeOperation counts one operation against limit, or returns how long
// until the next day's quota when the limit is reached. A limit ≤ 0 is
// unlimited (Standard access).
func (f *Fake) takeOperation(limit int) (time.Duration, bool) {
	if limit <= 0 {
		return 0, true
	}
	now := f.clk.Now().In(f.pt)
	day := now.Format(time.DateOnly)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ops.day != day {
		f.ops = dailyOps{day: day}
	}
	if f.ops.used >= limit {
		y, m, d := now.Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, f.pt).Sub(now), false
	}
	f.ops.used++
	return 0, true
}

// quotaExhausted is the GoogleAdsError of a spent daily quota, with the
// retry delay Google puts in quotaErrorDetails.
func quotaExhausted(limit int, retry time.Duration) adsError {
	name := "Number of operations for basic access"
	if limit == ExplorerAccessOperations {
		name = "Number of operations for explorer access"
	}
	return adsError{ErrorCode: map[string]string{"quotaError": "RESOURCE_EXHAUSTED"},
		Message: "Too many requests. Retry in " + strconv.Itoa(int(retry.Seconds())) + " seconds.",
		Details: map[string]any{"quotaErrorDetails": map[string]any{
			"rateScope": "DEVELOPER", "rateName": name,
			"retryDelay": strconv.FormatFloat(retry.Truncate(time.Second).Seconds(), 'f', -1, 64) + "s"}}}
}
