//go:build race

package jobs

// raceEnabled relaxes wall-clock waits under the race detector, which
// slows SQLite writes and goroutine hand-offs several times over; the
// ordinary build keeps them.
const raceEnabled = true
