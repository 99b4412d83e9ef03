//go:build !race

package searchconsole_test

const raceEnabled = false
