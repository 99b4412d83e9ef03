//go:build !race

package faq_test

// raceEnabled is false in the ordinary build, which measures every
// labelled file.
const raceEnabled = false
