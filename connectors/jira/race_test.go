//go:build race

package jira_test

// raceEnabled drops wall-clock bounds under the race detector, whose
// instrumentation makes the process, not the round trips, set the pace.
const raceEnabled = true
