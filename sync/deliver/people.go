package deliver

import (
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// people is what rendering reads from the Directory: who an id is.
type people interface {
	Person(id string) *connectors.Person
	DeliveryPeople() []connectors.Person
}

// personName returns the display name of a person id, or "" when unknown.
func (r rendering) personName(id string) string {
	if r.people == nil || id == "" {
		return ""
	}
	if p := r.people.Person(id); p != nil {
		return p.Name
	}
	return ""
}

// personRef shows a person as a Slack mention when they have a Slack id,
// so that the reader can reach them in a click, else by name; the result is
// mrkdwn. Unknown ids give "".
func (r rendering) personRef(id string) string {
	if r.people == nil || id == "" {
		return ""
	}
	p := r.people.Person(id)
	switch {
	case p == nil:
		return ""
	case p.SlackUserID != "":
		return "<@" + p.SlackUserID + ">"
	}
	return escape(p.Name)
}

// names resolves a rule's ", "-joined person ids to display names, taking
// the rule's own names for ids the directory no longer knows.
func (r rendering) names(ids, fallback string) []string {
	var given []string
	if fallback != "" {
		given = strings.Split(fallback, ", ")
	}
	if ids == "" {
		return given
	}
	var out []string
	for i, id := range strings.Split(ids, ", ") {
		n := r.personName(id)
		if n == "" && i < len(given) {
			n = given[i]
		}
		if n == "" {
			n = id
		}
		out = append(out, n)
	}
	return out
}

// quote renders a client's Slack text as a mrkdwn blockquote. Mentions
// become plain "@Name" so that quoting a message to a channel pings nobody.
func (r rendering) quote(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	lines := strings.Split(r.slackText(raw), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// slackText turns Slack message markup into inert mrkdwn: user, channel and
// broadcast references become plain words, links stay links, and the rest
// is escaped once whether or not Slack had escaped it.
func (r rendering) slackText(raw string) string {
	var b strings.Builder
	for raw != "" {
		i := strings.IndexByte(raw, '<')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(raw[i:], '>')
		}
		if j < 0 {
			b.WriteString(reescape(raw))
			break
		}
		b.WriteString(reescape(raw[:i]))
		b.WriteString(r.slackRef(raw[i+1 : i+j]))
		raw = raw[i+j+1:]
	}
	return b.String()
}

func (r rendering) slackRef(tok string) string {
	target, label, _ := strings.Cut(tok, "|")
	label = strings.TrimPrefix(unescape(label), "@")
	switch {
	case strings.HasPrefix(target, "@"):
		return "@" + escape(firstNonEmpty(r.slackName(target[1:]), label, target[1:]))
	case strings.HasPrefix(target, "#"):
		return "#" + escape(firstNonEmpty(label, target[1:]))
	case strings.HasPrefix(target, "!"):
		return "@" + escape(firstNonEmpty(label, strings.TrimPrefix(target, "!")))
	case strings.HasPrefix(target, "http://"), strings.HasPrefix(target, "https://"), strings.HasPrefix(target, "mailto:"):
		if label == "" {
			return "<" + target + ">"
		}
		return "<" + target + "|" + escape(label) + ">"
	}
	return reescape("<" + tok + ">")
}

// slackName returns the name of the person with a Slack user id, or "".
func (r rendering) slackName(uid string) string {
	if r.people == nil || uid == "" {
		return ""
	}
	for _, p := range r.people.DeliveryPeople() {
		if p.SlackUserID == uid {
			return p.Name
		}
	}
	return ""
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func reescape(s string) string { return escape(unescape(s)) }
