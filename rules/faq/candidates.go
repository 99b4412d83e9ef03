package faq

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// candidateSimilarity is the Jaccard similarity of stem sets at which two
// unmatched questions count as the same question asked again.
const candidateSimilarity = 0.5

// Unmatched is a client question no entry answered, as recorded for the
// weekly review.
type Unmatched struct {
	ClientID string              `json:"client"`
	Lang     connectors.Language `json:"lang"`
	Text     string              `json:"text"`
	Terms    []string            `json:"terms"`
	Time     time.Time           `json:"time"`
}

// Candidate is a group of similar unmatched questions: a proposal for a
// new entry (or new phrasings of an existing one).
type Candidate struct {
	Lang connectors.Language
	// Example is the first question of the group, as written.
	Example string
	// Count is how many questions the group holds.
	Count int
	// Clients are the distinct clients who asked, sorted.
	Clients []string
	// Terms are the stems of Example.
	Terms []string
}

// Jaccard returns |a ∩ b| / |a ∪ b| of two term sets (1 for two empty sets).
func Jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	set := make(map[string]bool, len(a))
	for _, t := range a {
		set[t] = true
	}
	inter, union := 0, len(set)
	seen := map[string]bool{}
	for _, t := range b {
		if seen[t] {
			continue
		}
		seen[t] = true
		if set[t] {
			inter++
		} else {
			union++
		}
	}
	return float64(inter) / float64(union)
}

// GroupUnmatched groups questions per language, in time order, each into
// the first group whose first question it resembles (Jaccard of stems ≥
// 0.5), and returns the groups of at least minCount questions, largest
// first. Grouping on the first question rather than on any member keeps a
// group from drifting into an unrelated topic through a chain of
// neighbours.
func GroupUnmatched(qs []Unmatched, minCount int) []Candidate {
	qs = slices.Clone(qs)
	slices.SortStableFunc(qs, func(a, b Unmatched) int { return a.Time.Compare(b.Time) })
	var groups []Candidate
	clients := []map[string]bool{}
	for _, q := range qs {
		if len(q.Terms) == 0 {
			continue
		}
		gi := -1
		for i, g := range groups {
			if g.Lang == q.Lang && Jaccard(g.Terms, q.Terms) >= candidateSimilarity {
				gi = i
				break
			}
		}
		if gi < 0 {
			groups = append(groups, Candidate{Lang: q.Lang, Example: q.Text, Terms: q.Terms})
			clients = append(clients, map[string]bool{})
			gi = len(groups) - 1
		}
		groups[gi].Count++
		clients[gi][q.ClientID] = true
	}
	var out []Candidate
	for i, g := range groups {
		if g.Count < minCount {
			continue
		}
		for c := range clients[i] {
			g.Clients = append(g.Clients, c)
		}
		slices.Sort(g.Clients)
		out = append(out, g)
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return b.Count - a.Count })
	return out
}

// Line formats c for a digest: `5× (ru; acme, globex) "Example"`.
func (c Candidate) Line() string {
	ex := strings.Join(strings.Fields(StripMarkup(c.Example)), " ")
	if r := []rune(ex); len(r) > 160 {
		ex = string(r[:157]) + "…"
	}
	return fmt.Sprintf("%d× (%s; %s) %q", c.Count, c.Lang, strings.Join(c.Clients, ", "), ex)
}
