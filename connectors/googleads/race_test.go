//go:build race

package googleads_test

// raceEnabled shrinks the 50-account pull under the race detector, which
// slows SQLite writes tenfold; the full size runs in the ordinary build.
const raceEnabled = true
