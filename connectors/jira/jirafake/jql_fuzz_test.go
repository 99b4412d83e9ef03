package jirafake

import (
	"strings"
	"testing"
)

// FuzzJQL runs arbitrary JQL through the fake's parser and evaluator over a
// small site: it must never panic, and a refusal must be an error, not an
// empty result.
func FuzzJQL(f *testing.F) {
	for _, s := range []string{
		`project in ("ACME", "BETA") AND updated >= "2026-11-27 10:00" ORDER BY updated ASC, key ASC`,
		`project = ACME AND statusCategory != Done AND duedate <= endOfDay("+3d")`,
		`NOT (a = 1 OR b in (2, "3")) AND c is not empty order by updated asc, key desc`,
		`issue.property[liaison].key = "q-1"`,
		`labels in (seo, "ppc") AND assignee = currentUser()`,
		`project in ("IN", "AND") AND summary ~ "a\"b\\c"`,
		`(((`,
		``,
	} {
		f.Add(s)
	}
	var site *Fake
	f.Fuzz(func(t *testing.T, s string) {
		if site == nil {
			site = jqlSite(t, nil)
		}
		keys, err := runJQL(t, site, s)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("refused %q with an empty error", s)
			}
			return
		}
		for _, k := range keys {
			if k == "" {
				t.Fatalf("%q returned an issue without a key", s)
			}
		}
	})
}
