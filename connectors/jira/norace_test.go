//go:build !race

package jira_test

// raceEnabled is false in the ordinary build, which keeps wall-clock bounds.
const raceEnabled = false
