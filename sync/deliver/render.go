package deliver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
)

// Action ids of the buttons alerts carry; the button value is the finding key.
const (
	ActionAcknowledge = "liaison_ack"
	ActionSnooze      = "liaison_snooze"
)

// view is one finding as a message shows it.
type view struct {
	f            rules.Finding
	reason       string
	clientName   string
	ackedBy      string // Slack user id
	snoozedUntil time.Time
}

// hiddenField reports finding fields used for routing or links, not shown as fields.
func hiddenField(k string) bool { return k == FieldAssignee || k == "permalink" || k == "url" }

// rendering is what a message needs besides its findings.
type rendering struct {
	cat    catalog
	loc    *time.Location
	digest bool
	max    int
}

// renderAlert renders a group message (or digest): a header, up to max
// findings with their fields, links and buttons, then "and K more". Its text
// is the plain-text fallback Slack shows in notifications.
func renderAlert(r rendering, views []view) (string, json.RawMessage, error) {
	header := r.cat.alerts(len(views))
	if r.digest {
		header = r.cat.digest
	}
	blocks := []any{map[string]any{"type": "header", "text": plain(clip(header, 150))}}
	lines := []string{header}
	shown := views
	if len(shown) > r.max {
		shown = shown[:r.max]
	}
	for _, v := range shown {
		blocks = append(blocks, r.findingBlocks(v)...)
		lines = append(lines, "• "+r.textLine(v))
	}
	if more := len(views) - len(shown); more > 0 {
		s := fmt.Sprintf(r.cat.more, more)
		blocks = append(blocks, map[string]any{"type": "context", "elements": []any{mrkdwn(s)}})
		lines = append(lines, s)
	}
	// Slack reads the JSON, not a browser: HTML escaping would only make
	// payloads and logs harder to read.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blocks); err != nil {
		return "", nil, fmt.Errorf("rendering blocks: %w", err)
	}
	return strings.Join(lines, "\n"), bytes.TrimSpace(buf.Bytes()), nil
}

func (r rendering) textLine(v view) string {
	s := fmt.Sprintf("[%s] %s", r.cat.severities[v.f.Severity], escape(v.f.Title))
	if v.clientName != "" {
		s += " (" + escape(v.clientName) + ")"
	}
	if !v.f.Open() {
		s += " — " + fmt.Sprintf(r.cat.resolvedAt, r.when(v.f.ResolvedAt))
	}
	return s
}

func (r rendering) when(t time.Time) string { return t.In(r.loc).Format("2006-01-02 15:04") }

func severityIcon(s rules.Severity) string {
	switch s {
	case rules.SeverityCritical:
		return ":rotating_light:"
	case rules.SeverityWarning:
		return ":warning:"
	}
	return ":information_source:"
}

func (r rendering) findingBlocks(v view) []any {
	f := v.f
	title := escape(f.Title)
	if f.Subject.URL != "" {
		title = "<" + f.Subject.URL + "|" + title + ">"
	}
	text := severityIcon(f.Severity) + " *" + title + "*"
	if !f.Open() {
		text = ":white_check_mark: ~" + escape(f.Title) + "~"
	}
	fields := []any{}
	addField := func(label, value string) {
		if value != "" && len(fields) < 10 {
			fields = append(fields, mrkdwn(clip("*"+escape(label)+"*\n"+escape(value), 2000)))
		}
	}
	addField(r.cat.client, v.clientName)
	addField(r.cat.severity, r.cat.severities[f.Severity])
	addField(r.cat.rule, r.cat.ruleName(f.Rule))
	keys := make([]string, 0, len(f.Fields))
	for k := range f.Fields {
		if !hiddenField(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		addField(r.fieldLabel(k), f.Fields[k])
	}
	section := map[string]any{"type": "section", "text": mrkdwn(clip(text, 3000)), "fields": fields}

	ctx := []any{}
	if f.Subject.URL != "" {
		label := r.cat.open
		if f.Subject.Kind == rules.SubjectTask {
			label = r.cat.openJira + ": " + f.Subject.ID
		}
		ctx = append(ctx, mrkdwn("<"+f.Subject.URL+"|"+escape(label)+">"))
	}
	if link := f.Fields["permalink"]; link != "" && link != f.Subject.URL {
		ctx = append(ctx, mrkdwn("<"+link+"|"+escape(r.cat.openSlack)+">"))
	}
	ctx = append(ctx, mrkdwn(fmt.Sprintf(r.cat.firstSeen, r.when(f.FirstSeen))))
	switch v.reason {
	case reasonRepeat:
		ctx = append(ctx, mrkdwn(":repeat: "+r.cat.reminder))
	case reasonEscalation:
		ctx = append(ctx, mrkdwn(":arrow_double_up: "+r.cat.escalation))
	}
	if v.ackedBy != "" {
		ctx = append(ctx, mrkdwn(":ballot_box_with_check: "+fmt.Sprintf(r.cat.ackedBy, "<@"+v.ackedBy+">")))
	}
	if !v.snoozedUntil.IsZero() && f.Open() {
		ctx = append(ctx, mrkdwn(":zzz: "+fmt.Sprintf(r.cat.snoozedUntil, r.when(v.snoozedUntil))))
	}
	if !f.Open() {
		ctx = append(ctx, mrkdwn(":white_check_mark: "+fmt.Sprintf(r.cat.resolvedAt, r.when(f.ResolvedAt))))
	}
	out := []any{section, map[string]any{"type": "context", "elements": ctx}}

	if f.Open() {
		var buttons []any
		if v.ackedBy == "" {
			buttons = append(buttons, button(ActionAcknowledge, r.cat.acknowledge, f.Key, "primary"))
		}
		if v.snoozedUntil.IsZero() {
			buttons = append(buttons, button(ActionSnooze, r.cat.snooze, f.Key, ""))
		}
		if len(buttons) > 0 {
			out = append(out, map[string]any{"type": "actions", "block_id": clip("finding/"+f.Key, 255), "elements": buttons})
		}
	}
	return out
}

func (r rendering) fieldLabel(k string) string {
	switch k {
	case "due", "due_date":
		return r.cat.due
	case "assignee", "assignee_name":
		return r.cat.assignee
	case "status":
		return r.cat.status
	}
	return k
}

// renderNote renders a short thread reply about one finding.
func renderNote(r rendering, f rules.Finding, note string) string {
	switch note {
	case noteResolved:
		return ":white_check_mark: " + fmt.Sprintf(r.cat.resolvedNote, escape(f.Title))
	}
	return escape(f.Title)
}

func plain(s string) map[string]any {
	return map[string]any{"type": "plain_text", "text": s, "emoji": true}
}

func mrkdwn(s string) map[string]any { return map[string]any{"type": "mrkdwn", "text": s} }

func button(actionID, text, value, style string) map[string]any {
	b := map[string]any{"type": "button", "action_id": actionID, "text": plain(clip(text, 75)), "value": value}
	if style != "" {
		b["style"] = style
	}
	return b
}

// escape makes text safe for mrkdwn: Slack reads &, < and > as markup.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clip shortens s to at most n characters (runes), marking the cut.
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
