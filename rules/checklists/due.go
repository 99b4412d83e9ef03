package checklists

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// RuleName is the rule's name in config, logs and labels.
const RuleName = "checklists"

// Label marks every checklist task in Jira, next to the list's name.
const Label = "liaison-checklist"

// CatchUpDays is how long after its scheduled day a run is still made: a
// daemon that was down on the 2nd still creates the monthly task on the
// 5th, but adding an on_start list does not create onboarding tasks for
// clients that started long ago.
const CatchUpDays = 7

// Assignee is a person a checklist task can go to.
type Assignee struct {
	ID, Name      string
	JiraAccountID string
	Specialty     string
	// Calendar counts the working days of due_offset_days; nil counts
	// every day.
	Calendar *hours.Calendar
}

// Client is what the rule needs to know about one client.
type Client struct {
	ID, Name string
	// Location is the client's zone: schedules are days there. Nil is UTC.
	Location *time.Location
	// StartDate ("2006-01-02") is the client's first day; no run is due
	// before it, and on_start lists run on it.
	StartDate string
	// Projects are the client's Jira project keys; tasks go to the first.
	Projects    []string
	AM          *Assignee
	Specialists []Assignee
	Head        *Assignee // the client's head (or the agency's only one)
	Finance     *Assignee // the agency's only finance person
	// Config is the effective setting for this client (Skip included).
	Config Config
}

// Input is the snapshot the rule reads.
type Input struct {
	Clients []Client
}

// Run is one checklist task that should exist in Jira.
type Run struct {
	ClientID, List string
	// Period names the run: "2026-12" (monthly), "2026-W50" (weekly) or
	// "start" (on_start).
	Period string
	// Date is the scheduled day in the client's zone.
	Date hours.Date
	// IdempotencyKey is "checklist/<client>/<list>/<period>": the Jira
	// idempotency key and the store key of the run.
	IdempotencyKey  string
	Project         string
	Summary         string
	Description     string
	Labels          []string
	DueDate         string // "2006-01-02"
	Assignee        string // person id; empty when the role has nobody
	AssigneeAccount string
}

// Skipped is a due run that cannot be made, and why.
type Skipped struct {
	ClientID, List, Reason string
}

// Due returns the runs due at now (scheduled within the last CatchUpDays
// days, on or after the client's start), sorted by client then list, and
// the due runs that cannot be made (no Jira project). Lists a client skips
// are left out silently.
func Due(in Input, now time.Time) ([]Run, []Skipped) {
	var runs []Run
	var skipped []Skipped
	for ci := range in.Clients {
		c := &in.Clients[ci]
		if !c.Config.Enabled {
			continue
		}
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		today := hours.DateOf(now.In(loc))
		names := make([]string, 0, len(c.Config.Lists))
		for name := range c.Config.Lists {
			if !slices.Contains(c.Config.Skip, name) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			cl := c.Config.Lists[name]
			date, period, ok := scheduled(cl.Schedule, today, c.StartDate)
			if !ok || today.Before(date) || !today.Before(date.AddDays(CatchUpDays)) {
				continue
			}
			if c.StartDate != "" && date.String() < c.StartDate {
				continue
			}
			if len(c.Projects) == 0 {
				skipped = append(skipped, Skipped{ClientID: c.ID, List: name, Reason: "the client has no jira project"})
				continue
			}
			runs = append(runs, makeRun(c, name, cl, date, period))
		}
	}
	return runs, skipped
}

// scheduled returns the latest scheduled day of a schedule at or before
// today, and the run's period.
func scheduled(schedule string, today hours.Date, start string) (hours.Date, string, bool) {
	if schedule == ScheduleOnStart {
		d, err := hours.ParseDate(start)
		if err != nil {
			return hours.Date{}, "", false
		}
		return d, "start", true
	}
	kind, arg, _ := strings.Cut(schedule, ":")
	switch kind {
	case "monthly":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > 28 {
			return hours.Date{}, "", false
		}
		d := hours.Date{Year: today.Year, Month: today.Month, Day: n}
		if today.Day < n {
			d = d.AddDays(-28) // some day of the previous month
			d.Day = n
		}
		return d, fmt.Sprintf("%04d-%02d", d.Year, d.Month), true
	case "weekly":
		wd, err := hours.ParseDay(arg)
		if err != nil {
			return hours.Date{}, "", false
		}
		d := today.AddDays(-((int(today.Weekday()) - int(wd) + 7) % 7))
		y, w := d.Start(time.UTC).ISOWeek()
		return d, fmt.Sprintf("%04d-W%02d", y, w), true
	}
	return hours.Date{}, "", false
}

func makeRun(c *Client, name string, cl Checklist, date hours.Date, period string) Run {
	r := Run{ClientID: c.ID, List: name, Period: period, Date: date,
		IdempotencyKey: "checklist/" + c.ID + "/" + name + "/" + period,
		Project:        c.Projects[0],
		Labels:         []string{Label, name},
	}
	a := assignee(c, cl)
	var cal *hours.Calendar
	if a != nil {
		r.Assignee, r.AssigneeAccount, cal = a.ID, a.JiraAccountID, a.Calendar
	}
	r.DueDate = addWorkingDays(cal, date, cl.DueOffsetDays).String()
	clientName := c.Name
	if clientName == "" {
		clientName = c.ID
	}
	r.Summary = truncate(name+" · "+clientName+" · "+period, 255)
	var b strings.Builder
	for _, item := range cl.Items {
		b.WriteString("☐ " + strings.TrimSpace(item) + "\n")
	}
	fmt.Fprintf(&b, "\nChecklist %q for %s, scheduled %s (%s). Created by Liaison; tick the items as you go.", name, clientName, date, cl.Schedule)
	r.Description = b.String()
	return r
}

// assignee picks who the list's task goes to: the client's AM, its first
// specialist of the list's specialty (any specialist when none is named),
// its head, or finance. Nil when the client has nobody in that role; the
// task is then created unassigned (Jira's project default).
func assignee(c *Client, cl Checklist) *Assignee {
	switch cl.AssigneeRole {
	case connectors.RoleAccountManager:
		return c.AM
	case connectors.RoleHead:
		return c.Head
	case connectors.RoleFinance:
		return c.Finance
	case connectors.RoleSpecialist:
		for i := range c.Specialists {
			if cl.Specialty == "" || c.Specialists[i].Specialty == cl.Specialty {
				return &c.Specialists[i]
			}
		}
	}
	return nil
}

// addWorkingDays returns the n-th working day of cal after d (d itself for
// n = 0). Without a calendar every day counts; a calendar with no working
// day within the horizon stops counting there.
func addWorkingDays(cal *hours.Calendar, d hours.Date, n int) hours.Date {
	for i := 0; n > 0 && i < hours.HorizonDays; i++ {
		d = d.AddDays(1)
		if cal == nil || cal.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
