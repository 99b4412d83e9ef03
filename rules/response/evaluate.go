package response

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
)

// Keys of Finding.Fields. Values are strings; a key that does not apply is absent.
const (
	FieldClientName = "client_name"
	FieldAM         = "am"      // person id of the account manager
	FieldAMName     = "am_name" // display name of the account manager
	FieldWaited     = "waited"  // working time of the AM since the first message, "2h 15m"
	FieldSince      = "since"   // when the first message was posted, RFC 3339 in UTC
	FieldText       = "text"    // the first message's text, cut to ExcerptRunes runes
	FieldPermalink  = "permalink"
	FieldChannel    = "channel"
	FieldTS         = "ts"        // ts of the first message
	FieldMessages   = "messages"  // how many client messages wait in the run
	FieldEscalated  = "escalated" // "true" once escalate_after has passed
)

// kindUnanswered is the finding kind in the key. Escalation keeps it, so a
// finding that turns critical is the same finding, only more severe.
const kindUnanswered = "unanswered"

// Evaluate returns a finding for every run of client messages that has
// waited at least first_response of the AM's working time without an
// agency-side answer, sorted by client ID, then key.
//
// The wait of a run is AMCalendar.WorkingDuration(first message, now): the
// clock runs only in the AM's working hours, so a message at 17:30 to an AM
// working 09:00-18:00 reaches a two-hour first_response at 10:30 on the AM's
// next working day. From escalate_after on the finding is critical with
// escalated=true, under the same key.
//
// Consecutive unanswered client messages of one conversation make one
// finding keyed on the first of them; an answer resolves it. Messages
// written inside the client's exception windows count like any other: a
// question asked during a call still needs an answer, and the windows only
// excuse who answers, not whether.
func Evaluate(in Input, now time.Time) []rules.Finding {
	e := newEvaluation(&in)
	var out []rules.Finding
	for i := range e.runs {
		r := &e.runs[i]
		first, escalate, ok := e.dueTimes(r)
		if !ok || first.After(now) {
			continue
		}
		critical := !escalate.IsZero() && !escalate.After(now)
		out = append(out, e.finding(r, critical, now))
	}
	slices.SortFunc(out, func(a, b rules.Finding) int {
		return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
	})
	return out
}

// NextDue returns the earliest instant after now at which Evaluate would
// report a new finding or escalate one, assuming no message arrives in the
// meantime, so the engine can schedule its next run for exactly then. ok is
// false when nothing is pending.
func NextDue(in Input, now time.Time) (time.Time, bool) {
	e := newEvaluation(&in)
	var next time.Time
	for i := range e.runs {
		first, escalate, ok := e.dueTimes(&e.runs[i])
		if !ok {
			continue
		}
		for _, t := range [2]time.Time{first, escalate} {
			if t.After(now) && (next.IsZero() || t.Before(next)) {
				next = t
			}
		}
	}
	return next, !next.IsZero()
}

func (e *evaluation) finding(r *run, critical bool, now time.Time) rules.Finding {
	c := &e.in.Clients[r.client]
	m := r.root
	subj := rules.Subject{Kind: rules.SubjectMessage, ID: m.Channel + "/" + m.TS, URL: m.Permalink}
	fields := map[string]string{
		FieldClientName: c.Name,
		FieldAM:         c.AM,
		FieldAMName:     c.AMName,
		FieldWaited:     FormatWait(workingDuration(c.AMCalendar, m.At(), now)),
		FieldSince:      m.At().UTC().Format(time.RFC3339),
		FieldText:       rules.Excerpt(m.Text, ExcerptRunes),
		FieldChannel:    m.Channel,
		FieldTS:         m.TS,
		FieldMessages:   strconv.Itoa(int(r.count)),
	}
	if m.Permalink != "" {
		fields[FieldPermalink] = m.Permalink
	}
	sev := rules.SeverityWarning
	if critical {
		sev = rules.SeverityCritical
		fields[FieldEscalated] = "true"
	}
	return rules.Finding{
		Key:      rules.Key(RuleName, c.ID, subj, kindUnanswered),
		Rule:     RuleName,
		ClientID: c.ID,
		Subject:  subj,
		Severity: sev,
		// The title stays the same for the life of the key; the wait is in Fields.
		Title:     c.Name + " is waiting for a reply",
		Fields:    fields,
		FirstSeen: now,
		LastSeen:  now,
	}
}

// FormatWait renders a working-time duration for people: "2h 15m", "45m",
// "3h". Minutes are rounded down; working days are not used because their
// length depends on the schedule.
func FormatWait(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return strconv.Itoa(m) + "m"
	case m == 0:
		return strconv.Itoa(h) + "h"
	}
	return strconv.Itoa(h) + "h " + strconv.Itoa(m) + "m"
}
