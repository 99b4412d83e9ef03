//go:build race

package faq_test

// raceEnabled skips the measurements of whole labelled files under the
// race detector: they are single-goroutine arithmetic over thousands of
// messages, which the detector slows past the test timeout while finding
// nothing to check.
const raceEnabled = true
