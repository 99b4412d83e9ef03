package jira

import (
	"strings"
	"time"
)

// DefaultMaxJQLLength is where one query for all clients is split in several:
// Jira accepts longer JQL in a POST body, but very long queries are slow to
// parse and hit undocumented limits.
const DefaultMaxJQLLength = 6000

// jqlTimeLayout is the only precision JQL dates have: minutes, in the API
// user's time zone.
const jqlTimeLayout = "2006-01-02 15:04"

// quoteJQL makes s a JQL string literal, so that project keys that are
// reserved words ("IN", "AND") and labels with odd characters stay values.
func quoteJQL(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// jqlTime formats t floored to the minute in loc, as JQL reads dates there.
func jqlTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(jqlTimeLayout)
}

// projectsClause is `project in ("A", "B")`.
func projectsClause(projects []string) string {
	var b strings.Builder
	b.WriteString("project in (")
	for i, p := range projects {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteJQL(p))
	}
	b.WriteString(")")
	return b.String()
}

// issuesJQL selects the projects' issues updated at or after since (all of
// them when since is zero), oldest change first; the key breaks ties so that
// paging is stable.
func issuesJQL(projects []string, since time.Time, loc *time.Location) string {
	q := projectsClause(projects)
	if !since.IsZero() {
		q += ` AND updated >= ` + quoteJQL(jqlTime(since, loc))
	}
	return q + " ORDER BY updated ASC, key ASC"
}

// changedJQL selects every issue the API user can see that was updated at or
// after since, oldest change first. It names no project, so it stays one
// short query however many clients there are, and it also returns issues
// that left the clients' projects (a move bumps updated); the caller keeps
// what belongs to a client.
func changedJQL(since time.Time, loc *time.Location) string {
	return `updated >= ` + quoteJQL(jqlTime(since, loc)) + " ORDER BY updated ASC, key ASC"
}

// keysJQL selects every issue of the projects, for the reconciliation pass.
func keysJQL(projects []string) string {
	return projectsClause(projects) + " ORDER BY key ASC"
}

// splitByLength cuts projects into consecutive groups whose query, built by
// build, stays within max characters. Each project adds its quoted key and a
// ", " separator to a query, so groups are sized by arithmetic and only
// checked by building. A single project whose query is still too long gets a
// group of its own: Jira, not us, decides then.
func splitByLength(projects []string, max int, build func([]string) string) [][]string {
	if len(projects) == 0 {
		return nil
	}
	if len(build(projects)) <= max {
		return [][]string{projects}
	}
	var out [][]string
	start := 0
	for start < len(projects) {
		size := len(build(projects[start : start+1]))
		end := start + 1
		for end < len(projects) && size+2+len(quoteJQL(projects[end])) <= max {
			size += 2 + len(quoteJQL(projects[end]))
			end++
		}
		// The arithmetic matches the builders above; shrink if a builder
		// ever grows differently, never returning an over-long group of two or more.
		for end-start > 1 && len(build(projects[start:end])) > max {
			end--
		}
		out = append(out, projects[start:end])
		start = end
	}
	return out
}
