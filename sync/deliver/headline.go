package deliver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/response"
	"github.com/liaisonhq/liaison/rules/workload"
)

// headline is how a message names one finding, in the recipient's language.
// Rules keep English titles for logs; what people read is built here from
// the finding's fields, so that it can count days from the moment the
// message is composed.
type headline struct {
	text    string   // mrkdwn, with links
	plain   string   // mrkdwn-safe without links: the text fallback and strike-through
	subject string   // what a resolution note names
	tags    []string // short marks after the headline ("escalates to Olena Kovalenko on Thu 3 Dec, 09:00")
	quote   string   // the client's words as a mrkdwn blockquote, or ""
	// rule is the rule whose copy built the headline; "" when it fell back
	// to the finding's title, and the fields shown fall back with it.
	rule        string
	namesClient bool
	// shown are the fields of a rule that words its own findings.
	shown []shown
}

// headline picks the copy for the finding's rule and kind, falling back to
// its title when the rule is unknown or its fields are not what the copy
// needs.
func (r rendering) headline(v view) headline {
	if h, ok := r.wordedHeadline(v.f); ok {
		return h
	}
	var (
		h  headline
		ok bool
	)
	switch v.f.Rule {
	case deadline.RuleName:
		h, ok = r.deadlineHeadline(v.f)
	case redirect.RuleName:
		h, ok = r.redirectHeadline(v.f)
	case response.RuleName:
		h, ok = r.responseHeadline(v.f)
	case workload.RuleName:
		h, ok = r.workloadHeadline(v.f)
	case questions.RuleName:
		h, ok = r.questionsHeadline(v.f)
	}
	if !ok {
		h = r.titleHeadline(v.f)
	} else {
		h.rule = v.f.Rule
	}
	if v.f.Open() {
		h.tags = append(h.tags, r.escalationTags(v.escalations)...)
	}
	return h
}

func (r rendering) titleHeadline(f rules.Finding) headline {
	t := escape(f.Title)
	h := headline{text: t, plain: t, subject: t, quote: r.quote(f.Fields["text"])}
	if f.Subject.URL != "" {
		h.text = "<" + f.Subject.URL + "|" + t + ">"
	}
	return h
}

// reference is the moment relative dates count from: when the message is
// composed, else when the rule last saw the finding.
func (r rendering) reference(f rules.Finding) time.Time {
	if !r.now.IsZero() {
		return r.now
	}
	return f.LastSeen
}

func (r rendering) deadlineHeadline(f rules.Finding) (headline, bool) {
	c := r.cat
	key := f.Fields[deadline.FieldTaskKey]
	if key == "" {
		key = f.Subject.ID
	}
	if key == "" {
		return headline{}, false
	}
	task := func(linked bool) string {
		k := escape(key)
		if linked && f.Subject.URL != "" {
			k = "<" + f.Subject.URL + "|" + k + ">"
		}
		if s := strings.TrimSpace(f.Fields[deadline.FieldSummary]); s != "" {
			return fmt.Sprintf(c.task, k, escape(s))
		}
		return k
	}
	ref := r.reference(f)
	due, hasDue := parseCivil(f.Fields[deadline.FieldDueDate])
	var phrase func(task string) string
	switch f.Fields[deadline.FieldKind] {
	case deadline.KindNoDueDate:
		phrase = func(t string) string { return fmt.Sprintf(c.noDueDate, t) }
	case deadline.KindDueSoon:
		if !hasDue {
			return headline{}, false
		}
		phrase = r.dueSoonPhrase(due, ref, f.Fields[deadline.FieldWorkingDaysLeft])
	case deadline.KindOverdue:
		if !hasDue {
			return headline{}, false
		}
		phrase = r.overduePhrase(due, ref, f.Fields[deadline.FieldDaysOverdue])
	default:
		return headline{}, false
	}
	return headline{text: phrase(task(true)), plain: phrase(task(false)), subject: task(false)}, true
}

// dueSoonPhrase says when a task is due: today, tomorrow, on a weekday of
// the coming week, or in N working days (the rule's count, since only the
// rule knows the AM's calendar).
func (r rendering) dueSoonPhrase(due civil, ref time.Time, workingLeft string) func(string) string {
	c, n := r.cat, r.cat.dates
	date := n.date(due, ref.In(r.loc))
	wd, wdErr := strconv.Atoi(workingLeft)
	days, known := 0, !ref.IsZero()
	if known {
		days = civilOf(ref, r.loc).daysUntil(due)
	} else if wdErr == nil && wd == 0 {
		known = true
	}
	switch {
	case known && days < 0:
		// Composed after the due date but before the rule saw it pass.
		return r.overduePhrase(due, ref, strconv.Itoa(-days))
	case known && days == 0:
		return func(t string) string { return fmt.Sprintf(c.dueToday, t, date) }
	case known && days == 1:
		return func(t string) string { return fmt.Sprintf(c.dueTomorrow, t, date) }
	case known && days < 7:
		on := n.onWeekday[due.t.Weekday()]
		return func(t string) string { return fmt.Sprintf(c.dueOn, t, on, n.dayAndMonth(due)) }
	case wdErr == nil && wd > 0:
		return func(t string) string { return fmt.Sprintf(c.dueIn, t, c.workingDays(wd), date) }
	}
	return func(t string) string { return fmt.Sprintf(c.dueDate, t, date) }
}

// overduePhrase counts calendar days past the due date in the recipient's
// zone, or takes the rule's count (in the client's zone) when the zones
// disagree about whether the day has passed.
func (r rendering) overduePhrase(due civil, ref time.Time, daysOverdue string) func(string) string {
	c := r.cat
	date := c.dates.date(due, ref.In(r.loc))
	n := 0
	if !ref.IsZero() {
		n = due.daysUntil(civilOf(ref, r.loc))
	}
	if n < 1 {
		n, _ = strconv.Atoi(daysOverdue)
	}
	if n <= 1 {
		return func(t string) string { return fmt.Sprintf(c.wasDueYesterday, t, date) }
	}
	return func(t string) string { return fmt.Sprintf(c.overdueBy, t, c.days(n), date) }
}

func (r rendering) redirectHeadline(f rules.Finding) (headline, bool) {
	client := f.Fields[redirect.FieldClientName]
	names := r.names(f.Fields[redirect.FieldSpecialist], f.Fields[redirect.FieldSpecialistName])
	if client == "" || len(names) == 0 {
		return headline{}, false
	}
	s := escape(r.cat.wroteDirectly(client, names))
	return headline{text: s, plain: s, subject: s, quote: r.quote(f.Fields[redirect.FieldText]), namesClient: true}, true
}

func (r rendering) responseHeadline(f rules.Finding) (headline, bool) {
	client := f.Fields[response.FieldClientName]
	if client == "" {
		return headline{}, false
	}
	s := fmt.Sprintf(r.cat.waitingNoTime, client)
	if w := r.duration(f.Fields[response.FieldWaited]); w != "" {
		s = fmt.Sprintf(r.cat.waitingFor, client, w)
	}
	s = escape(s)
	h := headline{text: s, plain: s, subject: escape(fmt.Sprintf(r.cat.waitingNoTime, client)),
		quote: r.quote(f.Fields[response.FieldText]), namesClient: true}
	return h, true
}

// duration localises a rule's "2h 15m"; what does not parse is shown as is.
func (r rendering) duration(s string) string {
	d, err := time.ParseDuration(strings.ReplaceAll(s, " ", ""))
	if err != nil || d < 0 {
		return s
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	hs, ms := fmt.Sprintf(r.cat.hoursMinutes[0], h), fmt.Sprintf(r.cat.hoursMinutes[1], m)
	switch {
	case h == 0:
		return ms
	case m == 0:
		return hs
	}
	return hs + " " + ms
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
