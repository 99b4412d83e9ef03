package field

import (
	"fmt"
	"strings"
)

// Nearest returns the candidate closest to word by edit distance (case and
// underscores ignored), when it is close enough to be a likely typo: at
// most a third of the word's length, and never more than 3 edits. Ties go
// to the alphabetically first candidate, so suggestions are stable.
func Nearest(word string, candidates []string) (string, bool) {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "") }
	w := norm(word)
	limit := min(3, max(1, len([]rune(w))/3))
	best, bestD := "", limit+1
	for _, c := range candidates {
		d := editDistance(w, norm(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best, best != ""
}

// DidYouMean is Nearest worded for an error: ` (did you mean "x"?)`, or ""
// when nothing is close.
func DidYouMean(word string, candidates []string) string {
	if best, ok := Nearest(word, candidates); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
