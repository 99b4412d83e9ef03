//go:build !race

package googleads_test

const raceEnabled = false
