package field

import (
	"fmt"
	"strings"
)

// Nearest returns the candidate closest to word by edit distance (case and
// underscores ignored; a swap of two neighbours is one edit), when it is
// close enough to be a likely typo: about a third of the word's length,
// and never more than 3 edits. Ties go
// to the alphabetically first candidate, so suggestions are stable.
func Nearest(word string, candidates []string) (string, bool) {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "") }
	w := norm(word)
	limit := min(3, max(1, (len([]rune(w))+1)/3))
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

// editDistance is the optimal string alignment distance between a and b,
// by runes: insertions, deletions, substitutions and swaps of neighbours.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
