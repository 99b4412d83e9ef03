package opssheet

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/workload"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func loads(remaining time.Duration) []workload.Load {
	return []workload.Load{
		{Person: "ivan", Name: "Ivan Petrenko", Role: connectors.RoleSpecialist, OpenTasks: 9, MaxOpenTasks: 12, Overdue: 1,
			Remaining: remaining, Available: 40 * time.Hour, MaxUtilization: 0.8},
		{Person: "anna", Name: "Anna Shevchenko", Role: connectors.RoleAccountManager, ActiveClients: []string{"acme", "globex"}, MaxClients: 8},
		{Person: "olena", Name: "Olena Koval", Role: connectors.RoleSpecialist, OpenTasks: 3, MaxOpenTasks: 12,
			Remaining: 10 * time.Hour, Available: 32 * time.Hour},
	}
}

// TestAppendWeekly: a week is appended once (its first figures stand),
// weeks stay in order and at most MaxWeeks are kept.
func TestAppendWeekly(t *testing.T) {
	var weeks []Week
	weeks, added := Append(weeks, Week{Name: "2026-W49", Lines: LinesOf(loads(30 * time.Hour))})
	if !added || len(weeks) != 1 {
		t.Fatal("first week not added")
	}
	weeks, added = Append(weeks, Week{Name: "2026-W49", Lines: LinesOf(loads(35 * time.Hour))})
	if added || weeks[0].Lines[1].RemainingHours != 30 {
		t.Errorf("the same week again replaced its figures: %+v", weeks[0].Lines)
	}
	weeks, _ = Append(weeks, Week{Name: "2026-W48", Lines: LinesOf(loads(20 * time.Hour))})
	if weeks[0].Name != "2026-W48" || weeks[1].Name != "2026-W49" {
		t.Errorf("weeks out of order: %s, %s", weeks[0].Name, weeks[1].Name)
	}
	for i := 0; i < MaxWeeks+10; i++ {
		weeks, _ = Append(weeks, Week{Name: fmt.Sprintf("2027-W%03d", i)})
	}
	if len(weeks) != MaxWeeks || weeks[0].Name != "2027-W010" {
		t.Errorf("kept %d weeks from %s", len(weeks), weeks[0].Name)
	}
}

func TestWorkbook(t *testing.T) {
	var weeks []Week
	weeks, _ = Append(weeks, Week{Name: "2026-W48", Lines: LinesOf(loads(20 * time.Hour))})
	weeks, _ = Append(weeks, Week{Name: "2026-W49", Lines: LinesOf(loads(36 * time.Hour))})
	wb := Build("Northwind", connectors.LanguageEnglish, weeks)
	util := wb.Tab("utilisation")
	if len(util.Charts) != 2 {
		t.Fatalf("%d charts, want one per specialist", len(util.Charts))
	}
	// Ivan's utilisation in W49: 36 h of 40 h.
	if got := util.Rows[2][1].Num; util.Rows[0][1].Text != "Ivan Petrenko" || got != 0.9 {
		t.Errorf("Ivan's W49 utilisation %v (column %q)", got, util.Rows[0][1].Text)
	}
	if n := len(wb.Tab("workload").Rows); n != 1+2*3 {
		t.Errorf("workload tab has %d rows, want a header and 3 people × 2 weeks", n)
	}
	var buf bytes.Buffer
	if err := table.WriteText(&buf, &wb); err != nil {
		t.Fatal(err)
	}
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		_ = os.WriteFile("testdata/ops.en.golden", buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile("testdata/ops.en.golden")
	if err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("testdata/ops.en.golden differs (%v); got:\n%s", err, buf.String())
	}
}
