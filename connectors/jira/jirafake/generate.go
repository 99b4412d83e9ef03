package jirafake

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// GenerateOptions size a generated site. Zero fields take the defaults noted.
type GenerateOptions struct {
	Seed             uint64        `json:"seed"`             // same seed, same site
	Projects         int           `json:"projects"`         // default 20; keys C01, C02, ...
	Issues           int           `json:"issues"`           // default 1000, spread over the projects
	Users            int           `json:"users"`            // default 10 assignable users
	WorklogsPerIssue int           `json:"worklogsPerIssue"` // up to this many per issue; default 0
	Span             time.Duration `json:"span"`             // issues were created over this past span; default 90 days
}

// Generate seeds a deterministic site for demos and benchmarks: projects,
// users and issues with varied statuses, assignees, due dates, estimates and
// labels, times spread over the past Span before the clock's now. Existing
// projects and users with the generated keys are reused. It returns the keys
// of the issues it created.
func (f *Fake) Generate(o GenerateOptions) ([]string, error) {
	o.Projects = max(o.Projects, 0)
	if o.Projects == 0 {
		o.Projects = 20
	}
	if o.Issues <= 0 {
		o.Issues = 1000
	}
	if o.Users <= 0 {
		o.Users = 10
	}
	if o.Span <= 0 {
		o.Span = 90 * 24 * time.Hour
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	projects := make([]string, o.Projects)
	for i := range projects {
		projects[i] = fmt.Sprintf("C%02d", i+1)
		if _, err := f.AddProject(Project{Key: projects[i], Name: fmt.Sprintf("Client %02d", i+1)}); err != nil {
			if _, exists := f.projectByKey(projects[i]); !exists {
				return nil, fmt.Errorf("generating projects: %w", err)
			}
		}
	}
	users := make([]string, o.Users)
	for i := range users {
		users[i] = fmt.Sprintf("gen%05d", i+1)
		_ = f.AddUser(User{AccountID: users[i], DisplayName: fmt.Sprintf("Specialist %d", i+1), Email: fmt.Sprintf("specialist%d@agency.example", i+1)})
	}
	statuses := []string{"To Do", "To Do", "In Progress", "In Progress", "In Review", "Done", "Done", "Done"}
	labels := []string{"seo", "ppc", "report", "audit", "content", "urgent"}
	now := f.clock.Now()
	keys := make([]string, 0, o.Issues)
	for n := 0; n < o.Issues; n++ {
		created := now.Add(-time.Duration(rng.Int64N(int64(o.Span)))).Truncate(time.Millisecond)
		updated := created.Add(time.Duration(rng.Int64N(int64(now.Sub(created)) + 1))).Truncate(time.Millisecond)
		in := Issue{
			Project:   projects[rng.IntN(len(projects))],
			Summary:   fmt.Sprintf("Generated task %d", n+1),
			Status:    statuses[rng.IntN(len(statuses))],
			IssueType: "Task",
			Created:   created,
			Updated:   updated,
		}
		if rng.IntN(10) < 8 {
			in.Assignee = users[rng.IntN(len(users))]
		}
		if rng.IntN(10) < 7 {
			in.DueDate = created.Add(time.Duration(rng.IntN(45)) * 24 * time.Hour).In(f.tz).Format(time.DateOnly)
		}
		if rng.IntN(10) < 6 {
			est := int64(rng.IntN(16)+1) * 3600
			rem := est * int64(rng.IntN(4)) / 3
			in.OriginalEstimate, in.RemainingEstimate = &est, &rem
		}
		for _, l := range labels {
			if rng.IntN(6) == 0 {
				in.Labels = append(in.Labels, l)
			}
		}
		is, err := f.PutIssue(in)
		if err != nil {
			return keys, fmt.Errorf("generating issue %d: %w", n+1, err)
		}
		keys = append(keys, is.Key)
		if o.WorklogsPerIssue > 0 {
			f.generateWorklogs(rng, is.Key, users, rng.IntN(o.WorklogsPerIssue+1), created, updated)
		}
	}
	return keys, nil
}

// generateWorklogs adds past worklogs without moving the issue's Updated,
// so that the generated history stays as drawn.
func (f *Fake) generateWorklogs(rng *rand.Rand, key string, users []string, n int, from, to time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	is := f.byKey[key]
	for range n {
		at := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)) + 1))).Truncate(time.Millisecond)
		secs := int64(rng.IntN(8)+1) * 1800
		wl := &worklog{id: f.nextWorklog, issueID: is.id, author: users[rng.IntN(len(users))], started: at,
			seconds: secs, created: at, updated: at}
		f.nextWorklog++
		f.worklogs[wl.id] = wl
		spent := secs
		if is.spent != nil {
			spent += *is.spent
		}
		is.spent = &spent
	}
	f.markWrittenLocked()
}

func (f *Fake) projectByKey(key string) (Project, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	p, ok := f.projects[key]
	if !ok {
		return Project{}, false
	}
	return Project{ID: p.id, Key: p.key, Name: p.name}, true
}
