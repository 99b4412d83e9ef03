//go:build !race

package engine

// raceEnabled is false in the ordinary build, which measures memory.
const raceEnabled = false
