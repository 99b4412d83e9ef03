//go:build race

package bench

// raceEnabled drops the backfill ratio bounds under the race detector:
// its instrumentation multiplies the process's CPU time several times over
// (24 Search Console requests took 19 s of CPU), so the process, not the
// limiter, sets the pace and the ratio measures the detector.
const raceEnabled = true
