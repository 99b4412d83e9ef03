package deliver

import (
	"fmt"
	"time"
)

// dateNames are one language's short date words and how they combine.
type dateNames struct {
	weekdays    [7]string // short, Sunday first
	months      [12]string
	onWeekday   [7]string // "on Friday", Sunday first
	dayMonth    string    // %d %s: day, month
	withWeekday string    // %s %s: weekday, day and month
	withYear    string    // %s %d: date, year
	dateTime    string    // %s %s: date, clock time
}

// civil is a calendar date without a zone, such as a Jira due date.
type civil struct{ t time.Time }

// parseCivil reads "2006-01-02".
func parseCivil(s string) (civil, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return civil{t}, err == nil
}

// civilOf is the date t falls on in loc.
func civilOf(t time.Time, loc *time.Location) civil {
	y, m, d := t.In(loc).Date()
	return civil{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// daysUntil counts calendar days from c to o (negative when o is earlier).
func (c civil) daysUntil(o civil) int { return int(o.t.Sub(c.t).Round(time.Hour) / (24 * time.Hour)) }

// dayAndMonth formats "2 Dec" / "2 дек.".
func (n dateNames) dayAndMonth(c civil) string {
	return fmt.Sprintf(n.dayMonth, c.t.Day(), n.months[c.t.Month()-1])
}

// date formats "Wed 2 Dec" / "ср, 2 дек.", with the year when it is not
// the reference's.
func (n dateNames) date(c civil, ref time.Time) string {
	s := fmt.Sprintf(n.withWeekday, n.weekdays[c.t.Weekday()], n.dayAndMonth(c))
	if !ref.IsZero() && ref.Year() != c.t.Year() {
		s = fmt.Sprintf(n.withYear, s, c.t.Year())
	}
	return s
}

// dueDate formats a "2006-01-02" date, or returns it as it came when it
// does not parse.
func (r rendering) dueDate(s string, ref time.Time) string {
	c, ok := parseCivil(s)
	if !ok {
		return s
	}
	return r.cat.dates.date(c, ref)
}

// when formats an instant in the recipient's zone: "Mon 5 Oct, 09:15".
// It never says "today": the message stays in Slack after today is over
// (headlines, which do say it, give the date as well).
func (r rendering) when(t time.Time) string {
	n := r.cat.dates
	return fmt.Sprintf(n.dateTime, n.date(civilOf(t, r.loc), r.now.In(r.loc)), t.In(r.loc).Format("15:04"))
}
