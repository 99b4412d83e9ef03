package questions

import (
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// MaxQuestionRunes bounds one question's text in the task: Jira refuses a
// description over 32,767 characters, and a week's batch must still fit.
const MaxQuestionRunes = 1500

// Question is one forwarded client message, as the batch keeps it.
type Question struct {
	// Channel and TS identify the message; a batch holds each at most once.
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	// Permalink links to the message in Slack; empty when Slack gave none.
	Permalink string `json:"permalink,omitempty"`
	// Author is who asked: the client contact's name, or their Slack id.
	Author string `json:"author"`
	// Text is the message, cleaned of Slack markup (see CleanText).
	Text string `json:"text"`
	// AskedAt is when the client wrote it.
	AskedAt time.Time `json:"asked_at"`
	// ForwardedAt is when the AM forwarded it; the first one sets the due date.
	ForwardedAt time.Time `json:"forwarded_at"`
	// ForwardedBy is the person id of the AM (or head) who forwarded it.
	ForwardedBy string `json:"forwarded_by,omitempty"`
}

// Specialist is the person who answers a batch.
type Specialist struct {
	ID, Name      string
	SlackUserID   string
	JiraAccountID string
	// Language is what the task is written in; empty or unknown means English.
	Language connectors.Language
	// Calendar is the specialist's working time: the due date counts their
	// working days and the times shown are in its zone. Nil means no due
	// date and times in UTC.
	Calendar *hours.Calendar
}

// Batch is one client's questions for one specialist in one week.
type Batch struct {
	ClientName string
	// AMName is the account manager who relays the answers.
	AMName     string
	Specialist Specialist
	// Week is the batch's ISO week (see Week).
	Week string
	// Questions are in the order they were forwarded.
	Questions []Question
}

// Task is the Jira task a batch asks for.
type Task struct {
	Summary string
	// Description is plain text (the Jira connector converts it to ADF):
	// an instruction paragraph, then one numbered paragraph per question.
	Description string
	Labels      []string
	// DueDate is a civil date "2006-01-02" in the specialist's zone; empty
	// when their calendar has no working day within the horizon.
	DueDate string
}

// Plan renders the batch's Jira task in the specialist's language. The due
// date is dueInDays of the specialist's working days after the first
// question was forwarded, so a batch opened on Friday evening is not due
// on Monday morning.
func Plan(b Batch, dueInDays int) Task {
	cat := catalogFor(b.Specialist.Language)
	loc := time.UTC
	if cal := b.Specialist.Calendar; cal != nil && cal.Location != nil {
		loc = cal.Location
	}
	t := Task{
		Summary: clipRunes(fmt.Sprintf(cat.summary, b.ClientName, b.Week), 255),
		Labels:  []string{Label},
	}
	var d strings.Builder
	relay := b.AMName
	if relay == "" {
		relay = cat.theAM
	}
	fmt.Fprintf(&d, cat.intro, b.ClientName, relay)
	d.WriteString(" " + fmt.Sprintf(cat.zone, loc.String()))
	var first time.Time
	for i, q := range b.Questions {
		if first.IsZero() || q.ForwardedAt.Before(first) {
			first = q.ForwardedAt
		}
		fmt.Fprintf(&d, "\n\n%d. %s%s%s", i+1, cat.open, quoteLines(clipRunes(strings.TrimSpace(q.Text), MaxQuestionRunes)), cat.close)
		asked := q.AskedAt
		if asked.IsZero() {
			asked = q.ForwardedAt
		}
		d.WriteString("\n" + fmt.Sprintf(cat.asked, q.Author, asked.In(loc).Format("2006-01-02 15:04")))
		if q.Permalink != "" {
			d.WriteString("\n" + fmt.Sprintf(cat.link, q.Permalink))
		}
	}
	t.Description = d.String()
	if cal := b.Specialist.Calendar; cal != nil && !first.IsZero() {
		if due, ok := cal.AddWorkingDays(first, dueInDays); ok {
			t.DueDate = hours.DateOf(due.In(loc)).String()
		}
	}
	return t
}

// quoteLines keeps a question inside its numbered paragraph: blank lines
// would start a new paragraph and "- " lines a bullet list in the ADF the
// connector builds, breaking the numbering.
func quoteLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := lines[:0]
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			continue
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			l = "• " + strings.TrimSpace(t[2:])
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func clipRunes(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// catalog is the task's wording in one language.
type catalog struct {
	summary     string // client name, week
	intro       string // client name, who relays
	theAM       string // who relays when the AM's name is unknown
	zone        string // time zone name
	open, close string // quotation marks
	asked       string // author, time
	link        string // permalink
}

func catalogFor(l connectors.Language) catalog {
	switch l {
	case connectors.LanguageRussian:
		return catalog{
			summary: "Вопросы клиента %s — неделя %s",
			intro: "Аккаунт-менеджер передал вам вопросы клиента %s. Ответьте на них письменно в комментарии к этой задаче, " +
				"когда будет время: %s передаст ответы клиенту.",
			theAM: "аккаунт-менеджер",
			zone:  "Время указано по часовому поясу %s.",
			open:  "«", close: "»",
			asked: "Спросил(а): %s, %s",
			link:  "Сообщение: %s",
		}
	case connectors.LanguageUkrainian:
		return catalog{
			summary: "Питання клієнта %s — тиждень %s",
			intro: "Акаунт-менеджер передав вам питання клієнта %s. Дайте на них письмову відповідь у коментарі до цього завдання, " +
				"коли матимете час: %s передасть відповіді клієнту.",
			theAM: "акаунт-менеджер",
			zone:  "Час указано за часовим поясом %s.",
			open:  "«", close: "»",
			asked: "Запитав(ла): %s, %s",
			link:  "Повідомлення: %s",
		}
	}
	return catalog{
		summary: "Client questions: %s — week %s",
		intro: "Your account manager forwarded these questions from %s. Please answer them in writing in a comment on this task " +
			"when you have time: %s will relay the answers to the client.",
		theAM: "the account manager",
		zone:  "Times are in %s.",
		open:  "“", close: "”",
		asked: "Asked by %s, %s",
		link:  "Message: %s",
	}
}
