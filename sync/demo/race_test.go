//go:build race

package demo

// raceEnabled relaxes wall-clock bounds under the race detector, which
// slows SQLite writes and goroutine hand-offs several times over; the
// ordinary build keeps them.
const raceEnabled = true
