package deadline

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

// RuleName is the rule's name in findings, config and routes.
const RuleName = "deadline"

// Client is what the rule needs to know about one client.
type Client struct {
	ID, Name string
	// Location is the client's time zone: due dates are dates there. Nil means UTC.
	Location *time.Location
	// Projects are the client's Jira project keys. A project listed by
	// several clients belongs to the one with the smallest ID (config
	// validation rejects that; the rule just stays deterministic).
	Projects []string
	// AM is the person id of the account manager.
	AM string
	// AMCalendar is the AM's working time: warn_before and escalate_after
	// count its working days. Nil counts every day as a working day.
	AMCalendar *hours.Calendar
	// Config is the effective setting for this client (global + overrides).
	Config Config
}

// Input is the snapshot the rule reads.
type Input struct {
	Clients []Client
	// Tasks are the tasks of all clients' projects (open and recently
	// resolved); tasks of other projects are ignored.
	Tasks []connectors.Task
	// Assignees maps a Jira accountId to a person id, for Fields.
	Assignees map[string]string
	// JiraBaseURL is the site root for links: JiraBaseURL + "/browse/" + key.
	JiraBaseURL string
}

// Evaluate returns the deadline findings for in at now, sorted by client ID,
// then finding key.
//
// Day arithmetic follows the design: a due date D is a civil date in the
// client's zone; "today" is now's date there. A task is overdue once today
// is after D (the whole due day is allowed, whatever its length in hours).
// Working days are the AM's calendar days with working time, counted over
// those same civil dates:
//
//   - due soon: not overdue, and the number of working days in (today, D]
//     is at most WarnBeforeDays (so a task due today is due soon);
//     WarnBeforeDays 0 disables it. Due dates more than HorizonDays days
//     ahead are never due soon.
//   - overdue: warning while fewer than EscalateAfterDays working days of
//     [D+1, today) have elapsed, critical from then on. With the default 2,
//     a task due Thursday escalates at the start of Tuesday: Friday and
//     Monday have passed, the weekend does not count.
//   - no due date: an in-progress task without a due date is an info
//     finding when NoDueDateDigest is on.
func Evaluate(in Input, now time.Time) []rules.Finding {
	e, vs := judgeAll(in, now)
	out := make([]rules.Finding, len(vs))
	for i, v := range vs {
		out[i] = e.finding(&in.Tasks[v.task], v)
	}
	return out
}

// Each calls yield with the findings Evaluate returns, in the same order,
// and stops early when yield returns false. A finding is built only when
// its turn comes, so a caller that keeps few of them (comparing each with
// what is stored) never holds them all at once.
func Each(in Input, now time.Time, yield func(rules.Finding) bool) {
	e, vs := judgeAll(in, now)
	for _, v := range vs {
		if !yield(e.finding(&in.Tasks[v.task], v)) {
			return
		}
	}
}

// judgeAll judges every task and orders the verdicts as the findings are
// returned: by client ID, then key. Judging first and building after keeps
// what is collected and sorted small; each finding is then built once.
func judgeAll(in Input, now time.Time) (*evaluation, []verdict) {
	e := newEvaluation(in, now)
	var vs []verdict
	for i := range in.Tasks {
		t := &in.Tasks[i]
		if !t.Open() {
			continue
		}
		ci, ok := e.owner[t.ProjectKey]
		if !ok {
			continue
		}
		if v, ok := e.judge(ci, t); ok {
			v.task = int32(i)
			v.key = e.key(t, v)
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, func(a, b verdict) int {
		return cmp.Or(strings.Compare(in.Clients[a.client].ID, in.Clients[b.client].ID), strings.Compare(a.key, b.key))
	})
	return e, vs
}

// evaluation is the state of one Evaluate call; it never outlives it.
type evaluation struct {
	in      *Input
	now     time.Time
	baseURL string
	owner   map[string]int // project key → index into in.Clients (enabled clients only)
	today   []int          // per client: today's day number in the client's zone
	days    map[*hours.Calendar]*workdays
	former  map[string][]string // due date → FormerKinds of its findings
}

func newEvaluation(in Input, now time.Time) *evaluation {
	e := &evaluation{
		in:      &in,
		now:     now,
		baseURL: strings.TrimRight(in.JiraBaseURL, "/"),
		owner:   make(map[string]int),
		today:   make([]int, len(in.Clients)),
		days:    make(map[*hours.Calendar]*workdays),
		former:  make(map[string][]string),
	}
	order := make([]int, len(in.Clients))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(in.Clients[a].ID, in.Clients[b].ID) })
	claimed := make(map[string]bool)
	for _, ci := range order {
		c := &in.Clients[ci]
		e.today[ci] = dayOf(now, locOf(c))
		for _, p := range c.Projects {
			// A disabled client still claims its projects, so that turning
			// the rule off for it never hands its tasks to another client.
			if claimed[p] {
				continue
			}
			claimed[p] = true
			if c.Config.Enabled {
				e.owner[p] = ci
			}
		}
	}
	return e
}

func locOf(c *Client) *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

func (e *evaluation) workdays(cal *hours.Calendar) *workdays {
	w, ok := e.days[cal]
	if !ok {
		w = &workdays{cal: cal}
		e.days[cal] = w
	}
	return w
}

// verdict is what the rule decided about one task, before it is rendered
// as a finding.
type verdict struct {
	task, client int32
	kind         kind
	severity     rules.Severity
	workingDays  int    // kindDueSoon: left; kindOverdue: elapsed
	daysOverdue  int    // kindOverdue: calendar days since the due date
	key          string // the finding's key
}

type kind uint8

const (
	kindDueSoon kind = iota
	kindOverdue
	kindNoDueDate
)

// judge decides whether an open task of client ci deserves a finding.
func (e *evaluation) judge(ci int, t *connectors.Task) (verdict, bool) {
	c := &e.in.Clients[ci]
	cfg := c.Config
	today := e.today[ci]
	v := verdict{client: int32(ci)}
	if t.DueDate == "" {
		if !cfg.NoDueDateDigest || t.StatusCategory != connectors.StatusCategoryInProgress {
			return verdict{}, false
		}
		v.kind, v.severity = kindNoDueDate, rules.SeverityInfo
		return v, true
	}
	due, ok := parseDay(t.DueDate)
	if !ok {
		// Jira only stores valid dates; a malformed one cannot be judged
		// either way, and guessing would alert someone about nothing.
		return verdict{}, false
	}
	wd := e.workdays(c.AMCalendar)
	if today > due {
		v.kind, v.severity = kindOverdue, rules.SeverityWarning
		v.daysOverdue = today - due
		v.workingDays = wd.between(max(due+1, today-hours.HorizonDays), today)
		if v.workingDays >= cfg.EscalateAfterDays {
			v.severity = rules.SeverityCritical
		}
		return v, true
	}
	if cfg.WarnBeforeDays <= 0 || due-today > hours.HorizonDays {
		return verdict{}, false
	}
	v.kind, v.severity = kindDueSoon, rules.SeverityWarning
	v.workingDays = wd.between(today+1, due+1)
	return v, v.workingDays <= cfg.WarnBeforeDays
}
