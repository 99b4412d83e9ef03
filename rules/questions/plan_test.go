package questions

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/rules/hours"
)

func calendar(t *testing.T, zone string, holidays ...string) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	cal := &hours.Calendar{Location: mustLoad(t, zone), Week: w}
	for _, h := range holidays {
		d, err := hours.ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		cal.Holidays = append(cal.Holidays, d)
	}
	return cal
}

func TestPlanRendersInTheSpecialistsLanguage(t *testing.T) {
	cal := calendar(t, "Asia/Almaty")
	at := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC) // 10:00 in Almaty
	qs := []Question{
		{Channel: "C1", TS: "1.1", Permalink: "https://x.slack.com/archives/C1/p1", Author: "Aigerim", Text: "Какой CPC?",
			AskedAt: at, ForwardedAt: at.Add(time.Hour)},
		{Channel: "C1", TS: "1.2", Author: "U0STRANGER", Text: "Budget?", AskedAt: at.Add(30 * time.Minute), ForwardedAt: at.Add(time.Hour)},
	}
	tests := []struct {
		lang     connectors.Language
		summary  string
		contains []string
	}{
		{connectors.LanguageRussian, "Вопросы клиента Steppe Foods — неделя 2026-W49", []string{
			"вопросы клиента Steppe Foods", "письменно в комментарии", "Marat Seitkali передаст ответы клиенту",
			"Время указано по часовому поясу Asia/Almaty.",
			"1. «Какой CPC?»\nСпросил(а): Aigerim, 2026-12-01 10:00\nСообщение: https://x.slack.com/archives/C1/p1",
			"2. «Budget?»\nСпросил(а): U0STRANGER, 2026-12-01 10:30",
		}},
		{connectors.LanguageUkrainian, "Питання клієнта Steppe Foods — тиждень 2026-W49", []string{
			"письмову відповідь у коментарі", "Marat Seitkali передасть відповіді клієнту", "часовим поясом Asia/Almaty",
			"1. «Какой CPC?»\nЗапитав(ла): Aigerim, 2026-12-01 10:00\nПовідомлення: https://x.slack.com/archives/C1/p1",
		}},
		{connectors.LanguageEnglish, "Client questions: Steppe Foods — week 2026-W49", []string{
			"answer them in writing in a comment", "Marat Seitkali will relay the answers", "Times are in Asia/Almaty.",
			"1. “Какой CPC?”\nAsked by Aigerim, 2026-12-01 10:00\nMessage: https://x.slack.com/archives/C1/p1",
		}},
		{"", "Client questions: Steppe Foods — week 2026-W49", []string{"Asked by Aigerim"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			task := Plan(Batch{ClientName: "Steppe Foods", AMName: "Marat Seitkali", Week: "2026-W49", Questions: qs,
				Specialist: Specialist{ID: "timur", Name: "Timur", Language: tt.lang, Calendar: cal}}, 3)
			if task.Summary != tt.summary {
				t.Errorf("summary %q, want %q", task.Summary, tt.summary)
			}
			for _, want := range tt.contains {
				if !strings.Contains(task.Description, want) {
					t.Errorf("description lacks %q:\n%s", want, task.Description)
				}
			}
			if strings.Contains(task.Description, "2. «Budget?»\nСпросил(а): U0STRANGER, 2026-12-01 10:30\nСообщение") {
				t.Error("a question without a permalink got a link line")
			}
			if len(task.Labels) != 1 || task.Labels[0] != Label {
				t.Errorf("labels %v, want [%s]", task.Labels, Label)
			}
			if task.DueDate != "2026-12-04" {
				t.Errorf("due %q, want 2026-12-04", task.DueDate)
			}
		})
	}
}

// TestPlanKeepsEachQuestionOneParagraph checks the description against the
// ADF the connector builds: an intro paragraph, then one paragraph per
// question, whatever blank lines or list markers the client typed.
func TestPlanKeepsEachQuestionOneParagraph(t *testing.T) {
	at := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	task := Plan(Batch{ClientName: "Acme", Week: "2026-W49", Specialist: Specialist{Language: connectors.LanguageUkrainian},
		Questions: []Question{
			{Author: "Petro", Text: "Два питання:\n\n- бюджет на грудень\n* ставки\n\nДякую", ForwardedAt: at},
			{Author: "Petro", Text: "  \nІ ще одне  ", ForwardedAt: at},
		}}, 3)
	doc := jira.TextToADF(task.Description)
	if len(doc.Content) != 3 {
		t.Fatalf("%d blocks, want intro + 2 questions:\n%s", len(doc.Content), task.Description)
	}
	for _, b := range doc.Content {
		if b.Type != "paragraph" {
			t.Errorf("block of type %s, want paragraphs only", b.Type)
		}
	}
	if !strings.Contains(task.Description, "1. «Два питання:\n• бюджет на грудень\n• ставки\nДякую»") ||
		!strings.Contains(task.Description, "2. «І ще одне»") {
		t.Errorf("questions not quoted as expected:\n%s", task.Description)
	}
	if !strings.Contains(task.Description, "акаунт-менеджер передасть") {
		t.Errorf("without an AM name the instruction should name the role:\n%s", task.Description)
	}
	if task.DueDate != "" {
		t.Errorf("due %q without a calendar, want none", task.DueDate)
	}
}

func TestPlanDueDate(t *testing.T) {
	tests := []struct {
		name      string
		cal       *hours.Calendar
		forwarded []time.Time // the first is not necessarily the earliest
		days      int
		want      string
	}{
		{"tuesday + 3", calendar(t, "Asia/Almaty"), []time.Time{time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)}, 3, "2026-12-04"},
		{"friday + 3 skips the weekend", calendar(t, "Asia/Almaty"), []time.Time{time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)}, 3, "2026-12-09"},
		{"saturday + 1 is monday", calendar(t, "Europe/Kyiv"), []time.Time{time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}, 1, "2026-12-07"},
		{"skips a holiday", calendar(t, "Europe/Kyiv", "2026-12-25"), []time.Time{time.Date(2026, 12, 23, 8, 0, 0, 0, time.UTC)}, 3, "2026-12-29"},
		// Monday 20:00 UTC is Tuesday 01:00 in Almaty: three days from Tuesday.
		{"read in the specialist's zone", calendar(t, "Asia/Almaty"), []time.Time{time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC)}, 3, "2026-12-04"},
		{"counts from the first forwarded", calendar(t, "Asia/Almaty"), []time.Time{
			time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)}, 3, "2026-12-04"},
		{"no working time", &hours.Calendar{Location: time.UTC}, []time.Time{time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)}, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Batch{ClientName: "C", Week: "2026-W49", Specialist: Specialist{Calendar: tt.cal}}
			for _, f := range tt.forwarded {
				b.Questions = append(b.Questions, Question{Text: "?", Author: "a", ForwardedAt: f})
			}
			if got := Plan(b, tt.days).DueDate; got != tt.want {
				t.Errorf("due %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPlanClipsLongText(t *testing.T) {
	long := strings.Repeat("я", MaxQuestionRunes+500)
	task := Plan(Batch{ClientName: strings.Repeat("N", 300), Week: "2026-W49",
		Questions: []Question{{Text: long, Author: "a"}}}, 3)
	if n := len([]rune(task.Summary)); n > 255 {
		t.Errorf("summary of %d runes; Jira takes at most 255", n)
	}
	if strings.Contains(task.Description, long) || !strings.Contains(task.Description, "…") {
		t.Error("an overlong question was not clipped")
	}
}
