package invoice

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var now = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

var people = []Person{
	{ID: "anna", Name: "Anna Shevchenko", Role: connectors.RoleAccountManager, JiraAccountID: "acc-anna"},
	{ID: "ivan", Name: "Ivan Petrenko", Role: connectors.RoleSpecialist, JiraAccountID: "acc-ivan"},
	{ID: "olena", Name: "Olena Koval", Role: connectors.RoleSpecialist, JiraAccountID: "acc-olena"},
}

// clients bill in three currencies with person and role rates mixed; Ivan
// has a personal rate at Acme only; a worklog author outside the config
// is billed at no rate.
func clients() []Client {
	return []Client{
		{ID: "acme", Name: "Acme", Seconds: map[string]int64{"acc-anna": 3 * 3600, "acc-ivan": 10*3600 + 1800, "acc-olena": 4 * 3600},
			AdsSpend: 12345.67, Billing: connectors.Billing{Currency: "UAH", Retainer: 20000, AdsManagementFeePct: 15,
				Rates: connectors.Rates{Roles: map[connectors.Role]float64{connectors.RoleSpecialist: 900, connectors.RoleAccountManager: 700},
					People: map[string]float64{"ivan": 1100}}}},
		{ID: "globex", Name: "Globex", Seconds: map[string]int64{"acc-ivan": 2*3600 + 900, "acc-stranger": 3600},
			AdsSpend: 980.5, Billing: connectors.Billing{Currency: "EUR", AdsManagementFeePct: 12.5,
				Rates: connectors.Rates{Roles: map[connectors.Role]float64{connectors.RoleSpecialist: 45}}}},
		{ID: "initech", Name: "Initech", Seconds: map[string]int64{"acc-olena": 7*3600 + 1200, "acc-anna": 1800},
			Billing: connectors.Billing{Currency: "USD", Retainer: 1500,
				Rates: connectors.Rates{People: map[string]float64{"olena": 60, "anna": 40}}}},
	}
}

// TestTotalsThreeCurrencies: every client's total equals worklog hours ×
// rates + retainer + spend × fee, computed here from the raw figures.
func TestTotalsThreeCurrencies(t *testing.T) {
	want := map[string]float64{
		"acme":    3*700 + 10.5*1100 + 4*900 + 20000 + 12345.67*0.15,
		"globex":  2.25*45 + 0 + 980.5*0.125,
		"initech": (7+1200.0/3600)*60 + 0.5*40 + 1500,
	}
	currency := map[string]string{"acme": "UAH", "globex": "EUR", "initech": "USD"}
	m := BuildMonth("2026-11", clients(), people, now)
	if len(m.Statements) != 3 {
		t.Fatalf("%d statements", len(m.Statements))
	}
	for _, s := range m.Statements {
		if math.Abs(s.Total()-want[s.ClientID]) > 0.011 {
			t.Errorf("%s total %.2f, want %.2f", s.ClientID, s.Total(), want[s.ClientID])
		}
		if s.Currency != currency[s.ClientID] {
			t.Errorf("%s in %s", s.ClientID, s.Currency)
		}
	}
	// The author outside the config is listed, billed at no rate.
	var g Statement
	for _, s := range m.Statements {
		if s.ClientID == "globex" {
			g = s
		}
	}
	found := false
	for _, l := range g.Lines {
		if l.PersonID == "jira:acc-stranger" {
			found = l.NoRate && l.Amount() == 0 && l.Seconds == 3600
		}
	}
	if !found {
		t.Errorf("unknown author not listed at no rate: %+v", g.Lines)
	}
	// The summary tab shows the same totals, each in its client's currency.
	wb := Build("Northwind", connectors.LanguageEnglish, []Month{m})
	for _, row := range wb.Tab("summary").Rows[1:] {
		name, total := row[1].Text, row[8]
		id := map[string]string{"Acme": "acme", "Globex": "globex", "Initech": "initech"}[name]
		if math.Abs(total.Num-want[id]) > 0.011 || total.Currency != currency[id] {
			t.Errorf("summary %s: %v %s", name, total.Num, total.Currency)
		}
	}
}

// TestEditedAfterInvoicing: a worklog changed after the month was invoiced
// does not change the invoiced figures; the difference is listed.
func TestEditedAfterInvoicing(t *testing.T) {
	cs := clients()
	invoiced := Compute(cs[0], "2026-11", people, now.AddDate(0, 0, -1))
	cs[0].Invoiced = &invoiced
	cs[0].Seconds["acc-ivan"] += 2 * 3600 // logged late
	delete(cs[0].Seconds, "acc-olena")    // deleted after invoicing
	m := BuildMonth("2026-11", cs, people, now)
	var acme Statement
	for _, s := range m.Statements {
		if s.ClientID == "acme" {
			acme = s
		}
	}
	if acme.Total() != invoiced.Total() {
		t.Errorf("invoiced total rewritten: %.2f, was %.2f", acme.Total(), invoiced.Total())
	}
	adj := m.Adjustments["acme"]
	if len(adj) != 2 {
		t.Fatalf("adjustments %+v", adj)
	}
	if adj[0].PersonID != "ivan" || adj[0].Amount != 2*1100 || adj[1].PersonID != "olena" || adj[1].Amount != -4*900 {
		t.Errorf("adjustments %+v", adj)
	}
	if len(m.Adjustments["globex"]) != 0 {
		t.Errorf("globex was not invoiced, yet has adjustments")
	}
	var buf bytes.Buffer
	wb := Build("Northwind", connectors.LanguageUkrainian, []Month{m, BuildMonth("2026-10", clients()[1:], people, now)})
	if err := table.WriteText(&buf, &wb); err != nil {
		t.Fatal(err)
	}
	golden(t, "invoices.uk.golden", buf.Bytes())
}

func TestGoldenEnglish(t *testing.T) {
	var buf bytes.Buffer
	wb := Build("Northwind", connectors.LanguageEnglish, []Month{BuildMonth("2026-11", clients(), people, now)})
	if err := table.WriteText(&buf, &wb); err != nil {
		t.Fatal(err)
	}
	golden(t, "invoices.en.golden", buf.Bytes())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

func TestReadyForFinance(t *testing.T) {
	got := ReadyForFinance(connectors.LanguageUkrainian, "2026-11", "https://docs.google.com/spreadsheets/d/f")
	if want := "Дані для рахунків за листопад 2026 готові: <https://docs.google.com/spreadsheets/d/f|відкрити таблицю>."; got != want {
		t.Errorf("got %q", got)
	}
}
