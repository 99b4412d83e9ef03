// Package opssheet builds the head of accounts' ops workbook: the weekly
// workload figures (what the workload digest shows) kept as one row per
// person per week, and a utilisation chart per person over the weeks.
// It is pure; the engine keeps the weeks between runs.
package opssheet

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/workload"
)

// MaxWeeks is how many weeks the workbook keeps: two years.
const MaxWeeks = 104

// Line is one person's figures in one week.
type Line struct {
	Person         string          `json:"person"`
	Name           string          `json:"name"`
	Role           connectors.Role `json:"role"`
	ActiveClients  int             `json:"active_clients"`
	MaxClients     int             `json:"max_clients,omitempty"`
	OpenTasks      int             `json:"open_tasks"`
	MaxOpenTasks   int             `json:"max_open_tasks,omitempty"`
	Overdue        int             `json:"overdue"`
	RemainingHours float64         `json:"remaining_hours"`
	AvailableHours float64         `json:"available_hours"`
	// Utilization is remaining over available work; 0 with no calendar.
	Utilization float64 `json:"utilization"`
}

// Week is the figures of one ISO week ("2026-W49").
type Week struct {
	Name  string `json:"week"`
	Lines []Line `json:"lines"`
}

// LinesOf turns the workload rule's loads into rows, ordered by role and
// name.
func LinesOf(loads []workload.Load) []Line {
	out := make([]Line, 0, len(loads))
	for i := range loads {
		l := &loads[i]
		u := 0.0
		if l.Available > 0 {
			u = l.Utilization()
		}
		out = append(out, Line{Person: l.Person, Name: l.Name, Role: l.Role, ActiveClients: len(l.ActiveClients),
			MaxClients: l.MaxClients, OpenTasks: l.OpenTasks, MaxOpenTasks: l.MaxOpenTasks, Overdue: l.Overdue,
			RemainingHours: l.Remaining.Hours(), AvailableHours: l.Available.Hours(), Utilization: u})
	}
	slices.SortFunc(out, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Person, b.Person))
	})
	return out
}

// Append adds w to weeks unless a week of that name is there already
// (the week's first figures stand, as the digest's do), keeps the newest
// MaxWeeks and returns them oldest first. It reports whether w was added.
func Append(weeks []Week, w Week) ([]Week, bool) {
	for _, x := range weeks {
		if x.Name == w.Name {
			return weeks, false
		}
	}
	out := append(slices.Clone(weeks), w)
	slices.SortFunc(out, func(a, b Week) int { return cmp.Compare(a.Name, b.Name) })
	if len(out) > MaxWeeks {
		out = out[len(out)-MaxWeeks:]
	}
	return out, true
}

// Build returns the ops workbook: a Workload tab with a row per person and
// week (newest week last, as appended), and a Utilisation tab with one
// column per person and one line chart per person.
func Build(agency string, lang connectors.Language, weeks []Week) table.Workbook {
	t := textFor(lang)
	wb := table.Workbook{Title: fmt.Sprintf(t.title, agency), Locale: locale(lang), TimeZone: "UTC"}
	load := table.Tab{Key: "workload", Name: t.workload, FrozenRows: 1,
		Columns: []table.Column{{Width: 90}, {Width: 200}, {Width: 140}, {}, {}, {}, {}, {}, {}, {}, {}}}
	load.Rows = append(load.Rows, []table.Cell{table.B(t.week), table.B(t.person), table.B(t.role), table.B(t.clients),
		table.B(t.maxClients), table.B(t.open), table.B(t.maxOpen), table.B(t.overdue), table.B(t.remaining),
		table.B(t.available), table.B(t.utilisation)})
	type person struct{ id, name string }
	var people []person
	seen := map[string]bool{}
	for _, w := range weeks {
		for _, l := range w.Lines {
			load.Rows = append(load.Rows, []table.Cell{table.T(w.Name), table.T(l.Name), table.T(t.roleName(l.Role)),
				table.I(float64(l.ActiveClients)), limit(l.MaxClients), table.I(float64(l.OpenTasks)), limit(l.MaxOpenTasks),
				table.I(float64(l.Overdue)), table.N(l.RemainingHours, 1), table.N(l.AvailableHours, 1), table.P(l.Utilization, 0)})
			if l.Role == connectors.RoleSpecialist && !seen[l.Person] {
				seen[l.Person] = true
				people = append(people, person{l.Person, l.Name})
			}
		}
	}
	slices.SortFunc(people, func(a, b person) int { return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id)) })
	util := table.Tab{Key: "utilisation", Name: t.utilisation, FrozenRows: 1, Columns: []table.Column{{Width: 90}}}
	header := []table.Cell{table.B(t.week)}
	for _, p := range people {
		header = append(header, table.B(p.name))
	}
	util.Rows = append(util.Rows, header)
	for _, w := range weeks {
		row := []table.Cell{table.T(w.Name)}
		by := map[string]Line{}
		for _, l := range w.Lines {
			by[l.Person] = l
		}
		for _, p := range people {
			l, ok := by[p.id]
			row = append(row, table.Cell{Kind: table.Percent, Num: l.Utilization, Blank: !ok})
		}
		util.Rows = append(util.Rows, row)
	}
	if len(weeks) > 0 {
		for i, p := range people {
			util.Charts = append(util.Charts, table.Chart{Title: fmt.Sprintf(t.chart, p.name), HeaderRow: 0,
				LastRow: len(util.Rows) - 1, DomainColumn: 0, SeriesColumns: []int{i + 1},
				AnchorRow: 18 * i, AnchorColumn: len(people) + 2})
		}
	}
	wb.Tabs = append(wb.Tabs, load, util)
	return wb
}

// limit shows a limit, blank when none applies.
func limit(n int) table.Cell {
	return table.Cell{Kind: table.Integer, Num: float64(n), Blank: n == 0}
}
