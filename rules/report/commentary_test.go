package report

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
)

// fallingMonth is a Ukrainian client's November 2026, refreshed on
// December 2 (Kyiv) before its final run on the 5th: one Ads account whose
// "Generic" campaign stopped serving mid-month, organic clicks down, a
// page that lost most of them, 1 task resolved with 21 hours logged and
// 2 in progress.
func fallingMonth() Input {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	p, _ := ParsePeriod("2026-11")
	in := Input{
		ClientName: "Зелений дім", Language: connectors.LanguageUkrainian, Currency: "UAH",
		Schedule: Schedule{Kind: connectors.PeriodMonthly, FinalRunDay: 5, Location: kyiv},
		Period:   p, Now: time.Date(2026, 12, 2, 10, 0, 0, 0, kyiv),
		Ads: &Ads{
			Accounts: []AdsAccount{{ID: "1112223333", TimeZone: "Europe/Kyiv"}},
			CampaignsBefore: []Row{
				{Account: "1112223333", Name: "Brand", Totals: Totals{Impressions: 30000, Clicks: 1500, Cost: 9000, Conversions: 60}},
				{Account: "1112223333", Name: "Generic", Totals: Totals{Impressions: 60000, Clicks: 2400, Cost: 21000, Conversions: 40}},
			},
		},
		GSC: &GSC{
			Properties: []string{"sc-domain:zelenyi.example"},
			QueriesBefore: []Row{
				{Name: "купити розсаду", Totals: Totals{Clicks: 400, Impressions: 9000}},
				{Name: "зелений дім", Totals: Totals{Clicks: 300, Impressions: 2000}},
			},
			PagesBefore: []Row{
				{Name: "https://zelenyi.example/rozsada", Totals: Totals{Clicks: 500, Impressions: 9000}},
				{Name: "https://zelenyi.example/", Totals: Totals{Clicks: 300, Impressions: 2000}},
			},
		},
		Resolved:   []Task{{Key: "ZD-4", Summary: "Новий банер", Status: "Done", Hours: 21}},
		InProgress: []Task{{Key: "ZD-7", Summary: "Сторінка акції"}, {Key: "ZD-8", Summary: "Звіт"}},
	}
	for _, r := range in.Ads.CampaignsBefore {
		in.Ads.Before = in.Ads.Before.Add(r.Totals)
	}
	for _, r := range in.GSC.PagesBefore {
		in.GSC.Before = in.GSC.Before.Add(r.Totals)
	}
	for i, d := range p.Days() {
		day := Totals{}
		for _, c := range []string{"Brand", "Generic"} {
			ct := Totals{Impressions: 1000, Clicks: 50, Cost: 300, Conversions: 2}
			if c == "Generic" && i >= 14 {
				ct = Totals{} // stopped serving on November 15
			}
			in.Ads.Campaigns = append(in.Ads.Campaigns, Row{Date: d.String(), Account: "1112223333", Name: c, Totals: ct})
			day = day.Add(ct)
		}
		in.Ads.Days = append(in.Ads.Days, Row{Date: d.String(), Totals: day})
		in.Ads.Current = in.Ads.Current.Add(day)
		g := Totals{Clicks: 20, Impressions: 300}
		in.GSC.Days = append(in.GSC.Days, Row{Date: d.String(), Totals: g})
		in.GSC.Current = in.GSC.Current.Add(g)
	}
	in.GSC.Queries = []Row{{Name: "купити розсаду", Totals: Totals{Clicks: 250, Impressions: 8000}}, {Name: "зелений дім", Totals: Totals{Clicks: 310, Impressions: 2100}}}
	in.GSC.Pages = []Row{{Name: "https://zelenyi.example/rozsada", Totals: Totals{Clicks: 290, Impressions: 8000}}, {Name: "https://zelenyi.example/", Totals: Totals{Clicks: 310, Impressions: 2100}}}
	return in
}

// commentaryFixtures are the three fixtures of the commentary goldens:
// a Russian week of growth being refreshed, a Ukrainian month of decline
// before its final run, and an English week's final run.
func commentaryFixtures() map[string]Input {
	return map[string]Input{
		"commentary.ru.golden": sample(connectors.LanguageRussian, false),
		"commentary.uk.golden": fallingMonth(),
		"commentary.en.golden": sample(connectors.LanguageEnglish, true),
	}
}

// TestCommentaryGolden compares each fixture's commentary, one sentence
// a line, with testdata/commentary.<lang>.golden (go test -update
// rewrites them), and checks it has 3 to 6 sentences.
func TestCommentaryGolden(t *testing.T) {
	for name, in := range commentaryFixtures() {
		t.Run(name, func(t *testing.T) {
			got := Commentary(in)
			if len(got) < 3 || len(got) > 6 {
				t.Errorf("%d sentences, want 3 to 6: %q", len(got), got)
			}
			text := strings.Join(got, "\n") + "\n"
			path := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if text != string(want) {
				t.Errorf("%s differs; got:\n%s", path, text)
			}
		})
	}
}

// TestCommentaryDeterministic: the same data in any row order gives the
// same text, and the Summary tab carries it in CommentaryCell.
func TestCommentaryDeterministic(t *testing.T) {
	for name, in := range commentaryFixtures() {
		want := CommentaryText(in)
		r := rand.New(rand.NewSource(7))
		for i := 0; i < 5; i++ {
			for _, rows := range [][]Row{in.Ads.Campaigns, in.Ads.CampaignsBefore, in.GSC.Queries, in.GSC.QueriesBefore, in.GSC.Pages, in.GSC.PagesBefore} {
				r.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
			}
			if got := CommentaryText(in); got != want {
				t.Fatalf("%s: shuffled rows changed the text:\n%s\nwant\n%s", name, got, want)
			}
		}
		wb := Build(in)
		cell := table.T(want)
		cell.Keep = true
		if got := wb.Tabs[0].Rows[CommentaryRow][0]; !reflect.DeepEqual(got, cell) {
			t.Errorf("%s: Summary %s holds %q, want the commentary", name, CommentaryCell, got.Text)
		}
	}
}

// TestCommentaryFollowsData: changing the data changes the sentence that
// speaks of it, and only in the way the data moved.
func TestCommentaryFollowsData(t *testing.T) {
	en := func() Input { return sample(connectors.LanguageEnglish, false) }
	cases := []struct {
		name   string
		change func(*Input)
		want   []string // substrings of the new text
		gone   []string // substrings of the sample's text that must go
	}{
		{"clicks fall instead of rising", func(in *Input) {
			in.Ads.Before.Clicks, in.Ads.Before.Cost, in.Ads.Before.Conversions = 9000, 10000, 90
			in.Ads.CampaignsBefore[0].Clicks = 8000
		}, []string{"Google Ads: clicks fell by 71.8% against the previous period (2,541 against 9,000).",
			"The campaign behind most of the change is “Brand” (Acme Search): −7,160 clicks (840 against 8,000)."},
			[]string{"conversions rose"}},
		{"organic clicks unchanged", func(in *Input) { in.GSC.Before.Clicks = in.GSC.Current.Clicks },
			[]string{"Search Console: organic clicks stayed at the previous period's level (840)."},
			[]string{"Most of the change came from the query"}},
		{"organic clicks change by less than 0.05%", func(in *Input) { in.GSC.Before.Clicks = in.GSC.Current.Clicks - 0.3 },
			[]string{"Search Console: organic clicks stayed at the previous period's level (840)."},
			[]string{"Most of the change came from the query"}},
		{"one more resolved task with hours", func(in *Input) {
			in.Resolved = append(in.Resolved, Task{Key: "ACME-11", Hours: 0.25})
		}, []string{"3 tasks resolved, 10 hours logged"}, []string{"2 tasks resolved"}},
		{"no task in progress", func(in *Input) { in.InProgress = nil },
			[]string{"2 tasks resolved, 7.5 hours logged."}, []string{"still in progress"}},
		{"a new page leads", func(in *Input) {
			in.GSC.Pages = append(in.GSC.Pages, Row{Name: "https://acme.example/new", Totals: Totals{Clicks: 45}})
		}, []string{"the page https://acme.example/new (+45 clicks)"}, []string{"the page https://acme.example/p1"}},
		{"no Search Console", func(in *Input) { in.GSC = nil },
			[]string{"Not final yet: Google Ads conversions, which may still arrive until Dec 2, 2026."},
			[]string{"Search Console"}},
		{"period still running", func(in *Input) { in.Now = time.Date(2026, 11, 26, 9, 0, 0, 0, in.Schedule.Location) },
			[]string{"Google Ads (through Nov 25, 2026, the previous period over the same days): ", "Search Console (through Nov 25, 2026, the previous period over the same days): ",
				"Search Console data for 2 days (Nov 23, 2026–Nov 24, 2026)"}, // Pacific Nov 22 is before the period
			[]string{"Google Ads: "}},
		{"final", func(in *Input) { in.Final = true },
			[]string{"This is the period's final report: its figures no longer change."}, []string{"Not final yet"}},
	}
	base := strings.ReplaceAll(CommentaryText(en()), "\u00a0", " ")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := en()
			c.change(&in)
			got := strings.ReplaceAll(CommentaryText(in), "\u00a0", " ")
			if got == base {
				t.Fatalf("text did not change: %s", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			for _, g := range c.gone {
				if !strings.Contains(base, g) {
					t.Fatalf("the sample's text lacks %q; the case tests nothing", g)
				}
				if strings.Contains(got, g) {
					t.Errorf("still has %q:\n%s", g, got)
				}
			}
		})
	}
}

// TestPluralForms checks the nouns' forms by CLDR rules, including the
// teens, 21, 22 and fractions, in each language.
func TestPluralForms(t *testing.T) {
	cases := []struct {
		lang connectors.Language
		n    noun
		x    float64
		want string
	}{
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 1, "1 задача"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 2, "2 задачи"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 5, "5 задач"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 11, "11 задач"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 21, "21 задача"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 22, "22 задачи"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].tasks, 112, "112 задач"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].days, 21, "21 день"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].days, 3, "3 дня"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].hours, 1.5, "1,5 часа"},
		{connectors.LanguageRussian, commentaryTexts[connectors.LanguageRussian].hours, 1000, "1 000 часов"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].tasks, 1, "1 завдання"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].tasks, 2, "2 завдання"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].tasks, 5, "5 завдань"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].days, 21, "21 день"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].days, 3, "3 дні"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].days, 14, "14 днів"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].hours, 21, "21 година"},
		{connectors.LanguageUkrainian, commentaryTexts[connectors.LanguageUkrainian].hours, 9.75, "9,75 години"},
		{connectors.LanguageEnglish, commentaryTexts[connectors.LanguageEnglish].tasks, 1, "1 task"},
		{connectors.LanguageEnglish, commentaryTexts[connectors.LanguageEnglish].tasks, 21, "21 tasks"},
		{connectors.LanguageEnglish, commentaryTexts[connectors.LanguageEnglish].hours, 1.5, "1.5 hours"},
		{connectors.LanguageEnglish, commentaryTexts[connectors.LanguageEnglish].hours, 1234, "1,234 hours"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %v", c.lang, c.x), func(t *testing.T) {
			cm := &commenter{in: Input{Language: c.lang}, f: table.NewFormatter(Locale(c.lang), "UAH")}
			got := strings.ReplaceAll(cm.count(c.x, c.n), "\u00a0", " ")
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
