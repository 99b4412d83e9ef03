package page

import (
	"bytes"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors/table"
)

// sampleWorkbook is a small report: a summary with a change column whose
// rows differ in which way is good, a chart over three days, and a tab
// with a task link and a cell holding markup.
func sampleWorkbook() *table.Workbook {
	up, down := table.UpIsGood, table.DownIsGood
	return &table.Workbook{Title: "Acme — отчёт", Locale: "ru_RU", Currency: "UAH", TimeZone: "Europe/Kyiv", Tabs: []table.Tab{
		{Key: "summary", Name: "Сводка", FrozenRows: 1, Rows: [][]table.Cell{
			{table.B("Отчёт готов: ноябрь 2026, финальный")},
			{table.B("Показатель"), table.B("Ноябрь 2026"), table.B("Октябрь 2026"), table.B("Изменение")},
			{table.T("Расходы"), table.C(10332), table.C(4500), table.Change(10332, 4500)},
			{table.T("Клики"), table.I(2541), table.I(2900), table.Change(2541, 2900)},
			{table.T("Цена конверсии"), table.C(109.33), table.C(150), table.Change(109.33, 150)},
			{table.T("Конверсии"), table.N(0, 2), table.N(0, 2), table.Change(0, 0)},
			nil,
			{table.B("Дата"), table.B("Клики"), table.B("Расходы")},
			{table.D("2026-11-01"), table.I(90), table.C(400)},
			{table.D("2026-11-02"), table.I(120), table.C(380.5)},
			{table.D("2026-11-03"), table.I(60), table.C(510)},
		},
			Changes: []table.ChangeColumn{{Column: 3, FirstRow: 2, LastRow: 5, RowDirections: []table.Direction{down, up, down, up}}},
			Charts:  []table.Chart{{Title: "Клики и расходы", HeaderRow: 7, LastRow: 10, DomainColumn: 0, SeriesColumns: []int{1, 2}, RightAxis: []int{1}}},
		},
		{Key: "work", Name: "Работы", Rows: [][]table.Cell{
			{table.B("Задача"), table.B("Название")},
			{table.L("ACME-9", "https://agency.atlassian.net/browse/ACME-9"), table.T("<script>alert(1)</script> & robots.txt")},
			{table.L("ACME-10", "javascript:alert(1)"), table.T("bad link")},
		}},
	}}
}

func TestWorkbookHTML(t *testing.T) {
	frag, err := Workbook("acme", sampleWorkbook())
	if err != nil {
		t.Fatal(err)
	}
	s := string(frag)
	root := fragment(t, s)

	// The tab strip: one radio and one label per tab, the first checked.
	labels := root.byClass("wb-strip")[0].byTag("label")
	if len(labels) != 2 || labels[0].text() != "Сводка" || labels[1].text() != "Работы" {
		t.Fatalf("tab strip %v", labels)
	}
	inputs := root.byTag("input")
	if len(inputs) != 2 || inputs[0].Attr["checked"] == "" && !strings.Contains(s, `id="acme-tab-0" checked`) {
		t.Errorf("radios %v", inputs)
	}
	if len(root.byClass("wb-tab")) != 2 {
		t.Errorf("%d tab bodies", len(root.byClass("wb-tab")))
	}

	// Numbers in the Russian locale, right-aligned.
	cells := root.byClass("wb-tab")[0].byTag("td")
	texts := map[string]*node{}
	for _, c := range cells {
		texts[c.text()] = c
	}
	for _, want := range []string{"10\u00a0332,00\u00a0₴", "2\u00a0541", "+129,6\u00a0%", "01.11.2026"} {
		if texts[want] == nil {
			t.Errorf("no cell %q", want)
		}
	}
	if c := texts["2\u00a0541"]; c != nil && !c.hasClass("num") {
		t.Errorf("number cell not aligned right: %v", c.Attr)
	}

	// Colours by direction: spend up is bad, clicks down is bad, cost per
	// conversion down is good, a blank change has no colour.
	for text, class := range map[string]string{"+129,6\u00a0%": "bad", "-12,4\u00a0%": "bad", "-27,1\u00a0%": "good"} {
		if c := texts[text]; c == nil || !c.hasClass(class) {
			t.Errorf("change %q: want class %s, got %v", text, class, c)
		}
	}
	for _, c := range cells {
		if c.text() == "" && (c.hasClass("good") || c.hasClass("bad")) {
			t.Error("a blank change is coloured")
		}
	}

	// The chart: one polyline per series with a point per day, the right
	// axis labelled, the title shown.
	svg := root.byTag("svg")
	if len(svg) != 1 {
		t.Fatalf("%d charts", len(svg))
	}
	lines := svg[0].byTag("polyline")
	if len(lines) != 2 {
		t.Fatalf("%d series", len(lines))
	}
	for _, l := range lines {
		if n := len(strings.Fields(l.Attr["points"])); n != 3 {
			t.Errorf("series with %d points, want 3", n)
		}
	}
	if !strings.Contains(svg[0].text(), "Клики и расходы") || !strings.Contains(svg[0].text(), "Расходы →") {
		t.Errorf("chart text %q", svg[0].text())
	}

	// Links only to http(s); cell text escaped.
	as := root.byClass("wb-tab")[1].byTag("a")
	if len(as) != 1 || as[0].Attr["href"] != "https://agency.atlassian.net/browse/ACME-9" {
		t.Errorf("links %v", as)
	}
	if strings.Contains(s, "<script>") || strings.Contains(s, "javascript:") {
		t.Error("markup from a cell or an unsafe link reached the page")
	}
}

func TestRenderWorkbookPage(t *testing.T) {
	var b bytes.Buffer
	if err := RenderWorkbook(&b, sampleWorkbook()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.Contains(s, `<html lang="ru">`) || !strings.Contains(s, "<title>Acme — отчёт</title>") {
		t.Errorf("page head:\n%.300s", s)
	}
	if strings.Contains(s, "<script") || strings.Contains(s, "http://") && !strings.Contains(s, "http://www.w3.org") {
		t.Error("the page loads something")
	}
	parseHTML(t, strings.TrimPrefix(s, "<!DOCTYPE html>"))
}
