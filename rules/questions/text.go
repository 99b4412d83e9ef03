package questions

import (
	"regexp"
	"strings"
)

var slackMarkupRE = regexp.MustCompile(`<([^<>]*)>`)

// CleanText turns Slack's message markup into plain text for a Jira task:
// user mentions become "@Name" (names maps Slack user ids to display names;
// unknown ids stay as "@U123"), channel links "#name", links "label (url)"
// or the bare url, and special mentions "@here". Slack's HTML entities are
// decoded last, so an escaped "&lt;" in the text never reads as markup.
func CleanText(text string, names map[string]string) string {
	out := slackMarkupRE.ReplaceAllStringFunc(text, func(m string) string {
		inner := m[1 : len(m)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			id := target[1:]
			if n := names[id]; n != "" {
				return "@" + n
			}
			if hasLabel && label != "" {
				return "@" + label
			}
			return "@" + id
		case strings.HasPrefix(target, "#"):
			if hasLabel && label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			special, _, _ := strings.Cut(target[1:], "^")
			if hasLabel && label != "" {
				return label
			}
			return "@" + special
		case hasLabel && label != "" && label != target:
			return label + " (" + target + ")"
		default:
			return target
		}
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(out)
}
