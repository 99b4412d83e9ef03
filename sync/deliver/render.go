package deliver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/redirect"
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
	escalations  []escalationState
}

// rendering is what a message needs besides its findings.
type rendering struct {
	cat    catalog
	loc    *time.Location
	now    time.Time // when the message is composed; "today" and "tomorrow" count from it
	people people    // names for person ids and Slack users; may be nil
	digest bool
	max    int
	// lang is the recipient's language, for rules that word their own
	// findings (wordings, by rule name).
	lang     connectors.Language
	wordings map[string]rules.Wording
}

// renderAlert renders a group message (or digest): a header, up to max
// findings with their headline, fields, links and buttons, then "and K
// more". Its text is the plain-text fallback Slack shows in notifications.
func renderAlert(r rendering, views []view) (string, json.RawMessage, error) {
	client, manyClients := clientsOf(views)
	header := r.cat.alerts(len(views))
	if r.digest {
		header = r.cat.digest
	}
	if client != "" {
		header = fmt.Sprintf(r.cat.headerClient, header, client)
	}
	blocks := []any{map[string]any{"type": "header", "text": plain(clip(header, 150))}}
	lines := []string{header}
	shown := views
	if len(shown) > r.max {
		shown = shown[:r.max]
	}
	for _, v := range shown {
		h := r.headline(v)
		blocks = append(blocks, r.findingBlocks(v, h, manyClients)...)
		lines = append(lines, "• "+r.textLine(v, h, manyClients))
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

// clientsOf returns the one client every view is about (for the header),
// and whether the views span several clients (so each names its own).
func clientsOf(views []view) (string, bool) {
	one, missing := "", false
	for _, v := range views {
		switch {
		case v.clientName == "":
			missing = true
		case one == "":
			one = v.clientName
		case one != v.clientName:
			return "", true
		}
	}
	if missing {
		return "", false
	}
	return one, false
}

func (r rendering) textLine(v view, h headline, manyClients bool) string {
	s := severityIcon(v.f.Severity) + " " + h.plain
	for _, t := range h.tags {
		s += " · " + escape(t)
	}
	if manyClients && !h.namesClient && v.clientName != "" {
		s += " — " + escape(v.clientName)
	}
	if !v.f.Open() {
		s = ":white_check_mark: " + h.plain + " — " + fmt.Sprintf(r.cat.resolvedAt, r.when(v.f.ResolvedAt))
	}
	return s
}

func severityIcon(s rules.Severity) string {
	switch s {
	case rules.SeverityCritical:
		return ":rotating_light:"
	case rules.SeverityWarning:
		return ":warning:"
	}
	return ":information_source:"
}

func (r rendering) findingBlocks(v view, h headline, manyClients bool) []any {
	f := v.f
	text := severityIcon(f.Severity) + " *" + h.text + "*"
	for _, t := range h.tags {
		text += " · _" + escape(t) + "_"
	}
	if h.quote != "" {
		text += "\n" + h.quote
	}
	if !f.Open() {
		text = ":white_check_mark: ~" + h.plain + "~"
	}
	section := map[string]any{"type": "section", "text": mrkdwn(clip(text, 3000))}
	var fields []any
	for _, fl := range r.fields(v, h, manyClients) {
		if len(fields) == 10 {
			break
		}
		fields = append(fields, mrkdwn(clip("*"+escape(fl.label)+"*\n"+fl.value, 2000)))
	}
	if len(fields) > 0 && f.Open() {
		section["fields"] = fields
	}
	out := []any{section, map[string]any{"type": "context", "elements": r.contextLine(v)}}

	if f.Open() {
		var buttons []any
		if v.ackedBy == "" {
			buttons = append(buttons, button(ActionAcknowledge, r.cat.acknowledge, f.Key, "primary"))
		}
		if v.snoozedUntil.IsZero() {
			buttons = append(buttons, button(ActionSnooze, r.cat.snooze, f.Key, ""))
		}
		if f.Rule == redirect.RuleName {
			// The AM cannot answer? The question goes to the specialist
			// in writing, batched into the week's Jira task.
			buttons = append(buttons, button(questions.ActionAskSpecialist, r.cat.askSpecialist, f.Key, ""))
		}
		if len(buttons) > 0 {
			out = append(out, map[string]any{"type": "actions", "block_id": clip("finding/"+f.Key, 255), "elements": buttons})
		}
	}
	return out
}

// contextLine holds the links, when the finding was first seen and what
// happened to it since.
func (r rendering) contextLine(v view) []any {
	f := v.f
	ctx := []any{}
	if f.Subject.URL != "" {
		label := r.cat.open
		switch f.Subject.Kind {
		case rules.SubjectTask:
			label = r.cat.openJira + ": " + f.Subject.ID
		case rules.SubjectMessage:
			label = r.cat.openMessage
		}
		ctx = append(ctx, mrkdwn("<"+f.Subject.URL+"|"+escape(label)+">"))
	}
	if link := f.Fields["permalink"]; link != "" && link != f.Subject.URL {
		ctx = append(ctx, mrkdwn("<"+link+"|"+escape(r.cat.openSlack)+">"))
	}
	if !f.FirstSeen.IsZero() {
		ctx = append(ctx, mrkdwn(fmt.Sprintf(r.cat.firstSeen, r.when(f.FirstSeen))))
	}
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
	return ctx
}

// renderNote renders a short thread reply about one finding.
func renderNote(r rendering, f rules.Finding, note string) string {
	h := r.headline(view{f: f})
	switch note {
	case noteResolved:
		return ":white_check_mark: " + fmt.Sprintf(r.cat.resolvedNote, h.subject)
	case noteChanged:
		s := h.plain
		for _, t := range h.tags {
			s += " · " + escape(t)
		}
		return severityIcon(f.Severity) + " " + fmt.Sprintf(r.cat.changedNote, s)
	}
	return h.subject
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
