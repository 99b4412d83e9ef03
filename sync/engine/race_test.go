//go:build race

package engine

// raceEnabled skips the memory measurement under the race detector,
// which changes what each allocation costs.
const raceEnabled = true
