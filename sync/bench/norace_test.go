//go:build !race

package bench

// raceEnabled is false in the ordinary build, which keeps the backfill
// ratio bounds.
const raceEnabled = false
