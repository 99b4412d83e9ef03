package workload

import (
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// Person is what the rule needs to know about one member of the agency.
type Person struct {
	ID, Name      string
	Role          connectors.Role
	JiraAccountID string
	// Calendar is the person's working time (zone, week, holidays,
	// vacations). Nil leaves the person's hours unknown: their utilisation
	// is not judged.
	Calendar *hours.Calendar
	// Capacity overrides the rule's limits where it is set.
	Capacity connectors.Capacity
}

// Client is what the rule needs to know about one client.
type Client struct {
	ID, Name string
	// AM is the person id of the client's account manager.
	AM string
	// Specialists are the person ids of the client's specialists.
	Specialists []string
	// Projects are the client's Jira project keys; a project listed by
	// several clients belongs to the first.
	Projects []string
	// StartDate ("2006-01-02") is when work for the client begins; a client
	// counts as active from that day in its AM's zone. Empty: active.
	StartDate string
}

// Input is the snapshot the rule reads.
type Input struct {
	People  []Person
	Clients []Client
	// Tasks are open tasks of the clients' projects; done, deleted and
	// unassigned tasks and tasks of other projects are ignored.
	Tasks []connectors.Task
	// EachTask, when set, yields the tasks instead of Tasks, one at a time;
	// the rule reads each only while it is yielded. The engine's copy of
	// 125,000 open tasks yields them this way rather than building a slice
	// of full task values (≈ 38 MB) for every run.
	EachTask iter.Seq[*connectors.Task]
	// Config holds the defaults a person's capacity does not override.
	Config Config
}

// Load is one person's load at an instant: what the alerts judge and the
// digest shows.
type Load struct {
	Person string // person id
	Name   string
	Role   connectors.Role

	// ActiveClients are the ids of the clients an account manager leads and
	// that have started, in input order; MaxClients is their limit.
	ActiveClients []string
	MaxClients    int

	// OpenTasks counts the open tasks assigned to the person; MaxOpenTasks
	// is the limit for a specialist.
	OpenTasks    int
	MaxOpenTasks int
	// Overdue counts open tasks due before today in the person's zone: the
	// person's own tasks, and for an account manager those of their active
	// clients too.
	Overdue int
	// Remaining is the estimated work of the person's open tasks due up to
	// the end of the horizon (overdue ones included); Unestimated counts
	// those tasks without any estimate, which add nothing.
	Remaining   time.Duration
	Unestimated int
	// Available is the person's working time from now to the end of the
	// horizon, vacations and holidays taken out; HorizonEnd is the horizon's
	// last day. Both are zero when the person has no calendar.
	Available      time.Duration
	HorizonEnd     hours.Date
	MaxUtilization float64
	// TaskClients are the ids of the clients whose projects hold the
	// person's open tasks, and HorizonClients those holding the tasks
	// counted in Remaining, in input order.
	TaskClients, HorizonClients []string
}

// Utilization is Remaining over Available; with nothing available it is 0
// when nothing remains and 1e9 (surely over any limit) otherwise.
func (l *Load) Utilization() float64 {
	if l.Available <= 0 {
		if l.Remaining > 0 {
			return 1e9
		}
		return 0
	}
	return float64(l.Remaining) / float64(l.Available)
}

// OverClients reports an account manager leading more active clients than
// their limit.
func (l *Load) OverClients() bool {
	return l.Role == connectors.RoleAccountManager && len(l.ActiveClients) > l.MaxClients
}

// OverTasks reports a specialist holding more open tasks than their limit.
func (l *Load) OverTasks() bool {
	return l.Role == connectors.RoleSpecialist && l.OpenTasks > l.MaxOpenTasks
}

// OverUtilization reports a specialist whose estimates due in the horizon
// exceed their working time in it × their max utilisation. A person without
// a calendar is never judged.
func (l *Load) OverUtilization() bool {
	if l.Role != connectors.RoleSpecialist || l.HorizonEnd.IsZero() {
		return false
	}
	return float64(l.Remaining) > float64(l.Available)*l.MaxUtilization
}

// Measure computes everyone's load at now, in the order of in.People.
func Measure(in Input, now time.Time) []Load {
	cfg := in.Config
	loads := make([]Load, len(in.People))
	byAccount := make(map[string]int, len(in.People))
	byID := make(map[string]int, len(in.People))
	today := make([]string, len(in.People))
	horizonEnd := make([]string, len(in.People))
	for i := range in.People {
		p := &in.People[i]
		l := &loads[i]
		l.Person, l.Name, l.Role = p.ID, p.Name, p.Role
		l.MaxClients = pick(p.Capacity.MaxClients, cfg.MaxClients)
		l.MaxOpenTasks = pick(p.Capacity.MaxOpenTasks, cfg.MaxOpenTasks)
		l.MaxUtilization = cfg.MaxUtilization
		if p.Capacity.MaxUtilization > 0 {
			l.MaxUtilization = p.Capacity.MaxUtilization
		}
		loc := time.UTC
		if p.Calendar != nil && p.Calendar.Location != nil {
			loc = p.Calendar.Location
		}
		today[i] = hours.DateOf(now.In(loc)).String()
		if p.Calendar != nil {
			last, end := horizon(p.Calendar, now, cfg.HorizonDays)
			if !last.IsZero() {
				l.HorizonEnd = last
				l.Available = p.Calendar.WorkingDuration(now, end)
				horizonEnd[i] = last.String()
			}
		}
		if p.JiraAccountID != "" {
			byAccount[p.JiraAccountID] = i
		}
		byID[p.ID] = i
	}

	owner := make(map[string]int)
	amOf := make([]int, len(in.Clients)) // index of the client's AM when the client is active, else -1
	for ci := range in.Clients {
		c := &in.Clients[ci]
		for _, pk := range c.Projects {
			if _, ok := owner[pk]; !ok {
				owner[pk] = ci
			}
		}
		amOf[ci] = -1
		ai, ok := byID[c.AM]
		if !ok || (c.StartDate != "" && c.StartDate > today[ai]) {
			continue
		}
		amOf[ci] = ai
		loads[ai].ActiveClients = append(loads[ai].ActiveClients, c.ID)
	}

	// Clients a task touched, per person, as bitsets over client indexes
	// would cost 300×2,000 bits; a small per-person set is enough since a
	// specialist works for a handful of clients.
	taskClients := make([][]int32, len(in.People))
	horizonClients := make([][]int32, len(in.People))
	for t := range in.tasks() {
		if !t.Open() {
			continue
		}
		ci, ok := owner[t.ProjectKey]
		if !ok {
			continue
		}
		overdueFor := func(pi int) bool { return t.DueDate != "" && t.DueDate < today[pi] }
		if ai := amOf[ci]; ai >= 0 && overdueFor(ai) {
			loads[ai].Overdue++
		}
		if t.AssigneeAccountID == "" {
			continue
		}
		pi, ok := byAccount[t.AssigneeAccountID]
		if !ok {
			continue
		}
		l := &loads[pi]
		l.OpenTasks++
		taskClients[pi] = addIndex(taskClients[pi], int32(ci))
		if overdueFor(pi) && amOf[ci] != pi {
			l.Overdue++
		}
		if t.DueDate == "" || horizonEnd[pi] == "" || t.DueDate > horizonEnd[pi] {
			continue
		}
		horizonClients[pi] = addIndex(horizonClients[pi], int32(ci))
		if secs, ok := remaining(t); ok {
			l.Remaining += time.Duration(secs) * time.Second
		} else {
			l.Unestimated++
		}
	}
	for pi := range loads {
		loads[pi].TaskClients = clientIDs(in.Clients, taskClients[pi])
		loads[pi].HorizonClients = clientIDs(in.Clients, horizonClients[pi])
	}
	return loads
}

func pick(own, def int) int {
	if own > 0 {
		return own
	}
	return def
}

func addIndex(xs []int32, x int32) []int32 {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func clientIDs(cs []Client, idx []int32) []string {
	if len(idx) == 0 {
		return nil
	}
	slices.Sort(idx)
	out := make([]string, len(idx))
	for i, ci := range idx {
		out[i] = cs[ci].ID
	}
	return out
}

// remaining is a task's work left in seconds: the remaining estimate, else
// the original estimate minus the time spent, never below zero. ok is false
// when the task has no estimate at all.
func remaining(t *connectors.Task) (int64, bool) {
	if t.RemainingEstimate != nil {
		return max(*t.RemainingEstimate, 0), true
	}
	if t.OriginalEstimate == nil {
		return 0, false
	}
	spent := int64(0)
	if t.TimeSpent != nil {
		spent = *t.TimeSpent
	}
	return max(*t.OriginalEstimate-spent, 0), true
}

// horizon returns the last day of the n working days starting today and
// the instant that day ends. Working days are counted on the person's week
// and public holidays but not their vacations: a specialist's days off do
// not move the clients' deadlines, they shrink the hours available before
// them. Today counts only while working time is left in it. A zero date
// means the calendar has no n working days within hours.HorizonDays.
func horizon(cal *hours.Calendar, now time.Time, n int) (hours.Date, time.Time) {
	if n < 1 {
		n = 1
	}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	base := *cal
	base.Vacations = nil
	d := hours.DateOf(now.In(loc))
	count := 0
	for range hours.HorizonDays {
		next := d.AddDays(1)
		var working bool
		if count == 0 && d == hours.DateOf(now.In(loc)) {
			working = base.WorkingDuration(now, next.Start(loc)) > 0
		} else {
			working = base.IsWorkingDay(d)
		}
		if working {
			count++
			if count == n {
				return d, next.Start(loc)
			}
		}
		d = next
	}
	return hours.Date{}, time.Time{}
}

func joinIDs(ids []string) string { return strings.Join(ids, ",") }

// tasks yields EachTask's tasks when set, Tasks' otherwise.
func (in Input) tasks() iter.Seq[*connectors.Task] {
	if in.EachTask != nil {
		return in.EachTask
	}
	return func(yield func(*connectors.Task) bool) {
		for i := range in.Tasks {
			if !yield(&in.Tasks[i]) {
				return
			}
		}
	}
}
