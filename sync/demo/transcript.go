package demo

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules/faq"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/demo/page"
	"github.com/liaisonhq/liaison/sync/store"
)

// Transcript entry kinds; page.Render colours its tags by them.
const (
	kindSeen       = "seen"
	kindWindow     = "window"
	kindAlert      = "alert"
	kindDigest     = "digest"
	kindDeferred   = "deferred"
	kindRedirect   = "redirect"
	kindReply      = "reply"
	kindResolved   = "resolved"
	kindUpdated    = "updated"
	kindNote       = "note"
	kindSuggestion = "suggestion"
	kindJira       = "jira"
	kindFailed     = "failed"
)

// faqPostKeyPrefix starts the delivery key of an answer the AM posted from
// a suggestion (sync/engine's faq rule, through sync/deliver's replies).
const faqPostKeyPrefix = "reply/faq-post/"

// maxLines bounds how much of a message the transcript quotes.
const maxLines = 6

// entry is a transcript line with what orders it besides time.
type entry struct {
	page.Entry
	seq int
}

// transcript builds the time-ordered account of the day and its figures.
func (s state) transcript() ([]page.Entry, Counts) {
	var es []entry
	var c Counts
	add := func(t time.Time, loc *time.Location, actor, kind, text string) {
		es = append(es, entry{page.Entry{Time: t, Location: loc, Actor: actor, Kind: kind, Text: text}, len(es)})
	}
	for _, m := range s.messages {
		s.messageEntries(m, add, &c)
	}
	for _, m := range s.ephemerals {
		if m.User != slackfake.BotUserID {
			continue
		}
		to := s.dir.user(m.EphemeralUser)
		where := s.channelName(m.Channel)
		// A suggestion the AM acted on was replaced; the transcript shows
		// it as first shown, then the click.
		first := m.Text
		if len(m.Revisions) > 0 {
			first = m.Revisions[0].Text
		}
		kind := kindNote
		if isSuggestion(m) {
			kind = kindSuggestion // an answer from the base, for the AM to post or reject
			c.Suggestions++
		} else {
			c.PrivateNotes++
		}
		add(tsTime(m.TS), to.loc, "Liaison", kind,
			"only "+to.label()+" sees this, in "+where+": "+s.quote(first))
		if n := len(m.Revisions); n > 0 {
			add(tsTime(m.Revisions[n-1].ReplacedAt), to.loc, to.name, kind, "clicked “Post answer”; the suggestion now reads: "+s.quote(m.Text))
		}
	}
	for _, d := range s.deferrals() {
		to := d.who
		what := plural(d.count, "alert", "alerts")
		if d.digest {
			what = plural(d.count, "digest item", "digest items")
		}
		at := d.planned.In(to.loc)
		var text string
		if d.sent.IsZero() {
			text = fmt.Sprintf("held %s for %s: planned %s, waits until %s (%s)", what, to.name,
				at.Format("15:04"), d.due.In(to.loc).Format("Mon 15:04 ")+zoneLabel(d.due.In(to.loc)), d.why)
		} else {
			sent := d.sent.In(to.loc)
			text = fmt.Sprintf("held %s for %s: planned %s → sent %s %s (%s)", what, to.name,
				at.Format("15:04"), sent.Format("15:04"), zoneLabel(sent), d.why)
		}
		if len(d.subjects) > 0 {
			text += ": " + strings.Join(d.subjects, ", ")
		}
		add(d.planned, to.loc, "Liaison", kindDeferred, text)
		if d.hours {
			c.Deferred++
		}
	}
	for _, is := range s.ourIssues() {
		text := fmt.Sprintf("created %s “%s”", is.Key, is.Summary)
		if p := s.personByJira(is.Assignee); p != "" {
			text += " for " + p
		}
		if is.DueDate != "" {
			text += ", due " + is.DueDate
		}
		add(is.Created, s.dir.agencyTZ, "Liaison", kindJira, text)
		c.JiraTasks++
	}
	for _, d := range s.sortedDeliveries() {
		if d.State == store.DeliveryFailed {
			add(d.UpdatedAt, s.dir.agencyTZ, "Liaison", kindFailed, "could not deliver "+d.Key+": "+d.LastError)
		}
	}
	sort.SliceStable(es, func(i, j int) bool {
		if !es[i].Time.Equal(es[j].Time) {
			return es[i].Time.Before(es[j].Time)
		}
		return es[i].seq < es[j].seq
	})
	out := make([]page.Entry, len(es))
	for i, e := range es {
		out[i] = e.Entry
	}
	return out, c
}

// messageEntries adds what one Slack message says about the day: a client
// or colleague writing, or Liaison posting (and later editing) something.
func (s state) messageEntries(m slackfake.Message, add func(time.Time, *time.Location, string, string, string), c *Counts) {
	at := tsTime(m.TS)
	author := s.dir.user(m.User)
	_, client := s.dir.channels[m.Channel]
	where := s.channelName(m.Channel)
	if m.User != slackfake.BotUserID {
		if !client {
			return
		}
		text := strings.TrimPrefix(author.qualifier()+" in "+where, " ")
		if p, ok := s.parent(m); ok {
			if p.User == m.User {
				text += ", follow-up in the thread"
			} else {
				text += ", replying to " + s.dir.user(p.User).name
			}
		}
		add(at, author.loc, author.name, kindSeen, text+s.addressed(m.Text))
		if window, ok := s.exceptionWindow(m, at); ok && author.external() {
			add(at, author.loc, "Liaison", kindWindow, "left alone: inside “"+window+"”, when "+author.org+
				" may talk to specialists directly, so no redirect")
		}
		if author.external() {
			c.ClientMessages++
		}
		return
	}
	switch {
	case client:
		kind, verb := kindReply, "posted in "+where
		loc := s.dir.user(s.dir.channels[m.Channel].am).loc
		if p, ok := s.parent(m); ok {
			to := s.dir.user(p.User)
			verb, loc = "replied to "+to.label()+" in the thread in "+where, to.loc
			switch r := s.ruleOf(m); {
			case strings.HasPrefix(deliveryKey(m), faqPostKeyPrefix):
				verb = "posted the answer the AM chose, in the thread of " + to.label() + " in " + where
				kind = kindSuggestion
				c.Answers++
			case to.external() && (r == "" || r == "redirect"):
				kind = kindRedirect
				c.Redirects++
			}
		}
		add(at, loc, "Liaison", kind, verb+": "+s.quote(m.Text))
	default:
		to := s.dir.user(s.recipientOf(m.Channel))
		dest := "DM to " + to.label()
		if s.recipientOf(m.Channel) == "" {
			dest, to = "posted in "+where, who{loc: s.dir.agencyTZ}
		}
		if d, ok := s.deferralOf(m); ok {
			dest += ", held since " + d.planned.In(to.loc).Format("15:04")
		}
		kind := kindAlert
		if strings.Contains(deliveryKey(m), "/digest/") {
			kind = kindDigest
		}
		add(at, to.loc, "Liaison", kind, dest+": "+s.quote(firstRevision(m)))
		c.Alerts++
	}
	if m.Edited != nil {
		kind := kindUpdated
		if s.resolved(m) {
			kind = kindResolved
			c.Resolved++
		}
		loc := s.dir.user(s.recipientOf(m.Channel)).loc
		edited := tsTime(m.Edited.TS)
		add(edited, loc, "Liaison", kind, fmt.Sprintf("updated its %s message in %s: %s",
			at.In(loc).Format("15:04"), where, s.quote(m.Text)))
	}
}

// isSuggestion reports whether an ephemeral message is, or was before the
// AM acted on it, an answer-base suggestion.
func isSuggestion(m slackfake.Message) bool {
	blocks := m.Blocks
	if len(m.Revisions) > 0 {
		blocks = m.Revisions[0].Blocks
	}
	return strings.Contains(string(blocks), faq.ActionPost)
}

// firstRevision is the text a message was first posted with.
func firstRevision(m slackfake.Message) string {
	if len(m.Revisions) > 0 {
		return m.Revisions[0].Text
	}
	return m.Text
}

// addressed renders a person's message, with the people it starts by
// mentioning pulled out as its addressees: " → @Oleh Bondar: текст".
func (s state) addressed(text string) string {
	rest := strings.TrimSpace(text)
	var to []string
	for {
		loc := mentionRE.FindStringSubmatchIndex(rest)
		if loc == nil || loc[0] != 0 || rest[loc[2]:loc[3]] != "@" {
			break
		}
		to = append(to, s.dir.plain(rest[:loc[1]]))
		rest = strings.TrimLeft(rest[loc[1]:], " ,:")
	}
	if len(to) > 0 {
		return " → " + strings.Join(to, ", ") + ": " + s.quote(rest)
	}
	return ": " + s.quote(rest)
}

// quote is a message's text for the transcript: mentions named, at most
// maxLines lines, continuation lines indented under the first.
func (s state) quote(text string) string {
	lines := strings.Split(strings.TrimSpace(s.stable(s.dir.plain(text))), "\n")
	more := 0
	if len(lines) > maxLines {
		more, lines = len(lines)-maxLines, lines[:maxLines]
	}
	out := strings.Join(lines, "\n")
	if more > 0 {
		out += "\n… and " + plural(more, "more line", "more lines")
	}
	return out
}

func (s state) channelName(id string) string {
	if c, ok := s.dir.channels[id]; ok {
		return "#" + c.name
	}
	if r := s.recipientOf(id); r != "" {
		return "the DM with " + s.dir.user(r).name
	}
	return "#" + id
}

// deferral is one message of ours held back for its recipient: grouped by
// the post that finally carried it, or still waiting at the end of the day.
type deferral struct {
	key                string
	who                who
	planned, sent, due time.Time
	count              int
	digest, hours      bool
	why                string
	subjects           []string
}

// deferrals finds notifications that were created at one moment and sent
// (or are due) markedly later, and says why: the recipient's working hours,
// or the daily digest.
func (s state) deferrals() []deferral {
	wait := s.cfg.DeliveryConfig().GroupWait + time.Minute
	byKey := map[string]*deferral{}
	var order []string
	for _, n := range s.notes {
		var k string
		var when time.Time
		switch {
		case n.State == store.NotifySent || (n.State == store.NotifyDone && !n.SentAt.IsZero()):
			k, when = n.DeliveryKey, n.SentAt
		case n.State == store.NotifyPending:
			k, when = fmt.Sprintf("pending/%s/%t", n.Recipient, n.Digest), n.DueAt
		default:
			continue
		}
		if when.Sub(n.CreatedAt) < wait {
			continue
		}
		d, ok := byKey[k]
		if !ok {
			_, to := s.dir.byPersonID(n.Recipient)
			cal := s.cfg.Calendar(n.Recipient)
			d = &deferral{key: k, who: to, planned: n.CreatedAt, digest: n.Digest}
			if n.State == store.NotifyPending {
				d.due = n.DueAt
			} else {
				d.sent = n.SentAt
			}
			switch {
			case cal != nil && !cal.Working(n.CreatedAt):
				d.hours = true
				d.why = "outside working hours, " + s.hoursOf(n.Recipient)
			case n.Digest:
				d.why = "the next daily digest"
			default:
				d.why = "grouped with later alerts"
			}
			byKey[k] = d
			order = append(order, k)
		}
		d.count++
		if n.CreatedAt.Before(d.planned) {
			d.planned = n.CreatedAt
		}
		if f, ok := s.findings[n.FindingKey]; ok {
			d.subjects = append(d.subjects, subjectLabel(f))
		}
	}
	out := make([]deferral, 0, len(order))
	for _, k := range order {
		sort.Strings(byKey[k].subjects)
		out = append(out, *byKey[k])
	}
	return out
}

var issueKeyRE = regexp.MustCompile(`^[A-Z][A-Z0-9]+-[0-9]+$`)

// subjectLabel names what a finding is about in a few words: the issue key
// for a task, else its title.
func subjectLabel(f rules.Finding) string {
	if issueKeyRE.MatchString(f.Subject.ID) {
		return f.Subject.ID
	}
	t := []rune(f.Title)
	if len(t) > 60 {
		return "“" + string(t[:59]) + "…”"
	}
	return "“" + string(t) + "”"
}

func (s state) hoursOf(personID string) string {
	if p := s.cfg.Person(personID); p != nil && len(p.Hours) > 0 {
		return strings.Join(p.Hours, ", ")
	}
	return "mon-fri 09:00-18:00"
}

// deferralOf finds the working-hours deferral that a post of ours ended.
func (s state) deferralOf(m slackfake.Message) (deferral, bool) {
	key := deliveryKey(m)
	if key == "" {
		return deferral{}, false
	}
	for _, d := range s.deferrals() {
		if d.key == key && d.hours {
			return d, true
		}
	}
	return deferral{}, false
}

// deferredBadge returns, for a post of ours, the badge telling that it was
// held for working hours ("deferred: 07:30 → 09:00").
func (s state) deferredBadge(m slackfake.Message, loc *time.Location) string {
	if d, ok := s.deferralOf(m); ok {
		return "deferred: " + d.planned.In(loc).Format("15:04") + " → " + d.sent.In(loc).Format("15:04")
	}
	return ""
}

// ourIssues are the Jira issues Liaison created: EnsureIssue marks each
// with its idempotency property (and a label, which a person might copy,
// so the property decides).
func (s state) ourIssues() []jirafake.Issue {
	var out []jirafake.Issue
	for _, is := range s.issues {
		if _, ok := is.Properties[jira.IdempotencyProperty]; ok {
			out = append(out, is)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out
}

func (s state) sortedDeliveries() []store.Delivery {
	out := make([]store.Delivery, 0, len(s.deliveries))
	for _, d := range s.deliveries {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// personByJira names the person with a Jira account id.
func (s state) personByJira(accountID string) string {
	for _, p := range s.cfg.People {
		if accountID != "" && p.JiraAccountID == accountID {
			return p.Name
		}
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// exceptionWindow names the client's exception window m was written in, when
// m is addressed to one of the client's specialists: the moment the redirect
// rule deliberately stays quiet.
func (s state) exceptionWindow(m slackfake.Message, at time.Time) (string, bool) {
	c := s.cfg.Client(s.dir.channels[m.Channel].clientID)
	if c == nil {
		return "", false
	}
	addressed := false
	for _, id := range c.Specialists {
		if p := s.cfg.Person(id); p != nil && strings.Contains(m.Text, "<@"+p.SlackUserID+">") {
			addressed = true
		}
	}
	if !addressed {
		return "", false
	}
	loc := s.cfg.ClientLocation(c.ID)
	for _, w := range s.cfg.ClientWindows(c.ID) {
		if w.Contains(at, loc) {
			return w.Name, true
		}
	}
	return "", false
}
