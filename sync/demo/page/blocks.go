package page

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// textObj is a Block Kit text object (plain_text or mrkdwn).
type textObj struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Emoji    *bool  `json:"emoji"`
	Verbatim bool   `json:"verbatim"`
}

// block holds the fields of the layout blocks drawn here; fields of other
// block types are ignored.
type block struct {
	Type      string            `json:"type"`
	Text      *textObj          `json:"text"`
	Fields    []textObj         `json:"fields"`
	Accessory json.RawMessage   `json:"accessory"`
	Elements  []json.RawMessage `json:"elements"`
	AltText   string            `json:"alt_text"`
	Title     *textObj          `json:"title"`
}

// element is an interactive or context element. Text is raw because it is
// a text object on buttons but a string on context text elements.
type element struct {
	Type          string          `json:"type"`
	Text          json.RawMessage `json:"text"`
	Emoji         *bool           `json:"emoji"`
	Verbatim      bool            `json:"verbatim"`
	Style         string          `json:"style"`
	URL           string          `json:"url"`
	AltText       string          `json:"alt_text"`
	Placeholder   *textObj        `json:"placeholder"`
	InitialOption *option         `json:"initial_option"`
	InitialDate   string          `json:"initial_date"`
	InitialTime   string          `json:"initial_time"`
	Options       []option        `json:"options"`
}

type option struct {
	Text textObj `json:"text"`
}

// errNotBlocks means the message's blocks are not a Block Kit array.
var errNotBlocks = errors.New("blocks are not a JSON array")

// blocks renders a Block Kit array. A block that cannot be read or is of an
// unknown type becomes a small gray note, so one odd block never hides the
// rest of the message; only a value that is not an array at all is an error.
func (r *refs) blocks(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		// Accept a whole message payload ({"blocks":[...]}) too.
		var wrapped struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(raw, &wrapped); err == nil && wrapped.Blocks != nil {
			raw = bytes.TrimSpace(wrapped.Blocks)
		}
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", fmt.Errorf("%w: %v", errNotBlocks, err)
	}
	var b strings.Builder
	for _, one := range list {
		var bl block
		if err := json.Unmarshal(one, &bl); err != nil {
			b.WriteString(unsupported("unreadable block", typeOf(one)))
			continue
		}
		r.block(&b, bl)
	}
	return b.String(), nil
}

// typeOf reads just the "type" of a block or element that failed to decode.
func typeOf(raw json.RawMessage) string {
	var t struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &t) != nil || t.Type == "" {
		return "unreadable"
	}
	return t.Type
}

// unsupported notes, small and gray, a block the page cannot draw.
func unsupported(what, typ string) string {
	return `<div class="bk-unsupported">[` + what + `: ` + esc(typ) + `]</div>`
}

func (r *refs) block(b *strings.Builder, bl block) {
	switch bl.Type {
	case "header":
		b.WriteString(`<div class="bk-header">`)
		if bl.Text != nil {
			b.WriteString(plainText(bl.Text.Text, emojiOn(bl.Text.Emoji)))
		}
		b.WriteString(`</div>`)
	case "section":
		r.section(b, bl)
	case "divider":
		b.WriteString(`<hr class="bk-divider">`)
	case "context":
		b.WriteString(`<div class="bk-context">`)
		for _, raw := range bl.Elements {
			r.contextElement(b, raw)
		}
		b.WriteString(`</div>`)
	case "actions":
		b.WriteString(`<div class="bk-actions">`)
		for _, raw := range bl.Elements {
			r.element(b, raw)
		}
		b.WriteString(`</div>`)
	case "image":
		b.WriteString(`<figure class="bk-image">`)
		if bl.Title != nil {
			b.WriteString(`<figcaption class="bk-image-title">` + plainText(bl.Title.Text, emojiOn(bl.Title.Emoji)) + `</figcaption>`)
		}
		b.WriteString(imageBox("bk-image-box", bl.AltText))
		b.WriteString(`</figure>`)
	case "rich_text":
		r.richText(b, bl.Elements)
	default:
		b.WriteString(unsupported("unsupported block", bl.Type))
	}
}

func (r *refs) section(b *strings.Builder, bl block) {
	b.WriteString(`<div class="bk-section"><div class="bk-section-body">`)
	if bl.Text != nil {
		b.WriteString(`<div class="bk-text">` + r.text(*bl.Text) + `</div>`)
	}
	if len(bl.Fields) > 0 {
		b.WriteString(`<div class="bk-fields">`)
		for _, f := range bl.Fields {
			b.WriteString(`<div class="bk-field">` + r.text(f) + `</div>`)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
	if len(bl.Accessory) > 0 && string(bl.Accessory) != "null" {
		b.WriteString(`<div class="bk-accessory">`)
		r.element(b, bl.Accessory)
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
}

// text renders a text object by its type; an object of unknown type is
// treated as plain text, which is the safer reading.
func (r *refs) text(t textObj) string {
	if t.Type == "mrkdwn" {
		return r.mrkdwn(t.Text)
	}
	return plainText(t.Text, emojiOn(t.Emoji))
}

// emojiOn is Slack's default: plain_text converts shortcodes unless told not to.
func emojiOn(p *bool) bool { return p == nil || *p }

// elementText reads an element's "text", whether a text object or a string.
func elementText(e element) textObj {
	raw := bytes.TrimSpace(e.Text)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return textObj{Type: e.Type, Text: s, Emoji: e.Emoji, Verbatim: e.Verbatim}
	}
	var t textObj
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &t)
	}
	return t
}

func (r *refs) contextElement(b *strings.Builder, raw json.RawMessage) {
	var e element
	if err := json.Unmarshal(raw, &e); err != nil {
		b.WriteString(unsupportedInline("unreadable element", typeOf(raw)))
		return
	}
	switch e.Type {
	case "mrkdwn", "plain_text":
		b.WriteString(`<span class="bk-ctx-text">` + r.text(elementText(e)) + `</span>`)
	case "image":
		alt := e.AltText
		if alt == "" {
			alt = "image"
		}
		b.WriteString(`<span class="bk-ctx-img">[` + esc(alt) + `]</span>`)
	default:
		b.WriteString(unsupportedInline("unsupported element", e.Type))
	}
}

func unsupportedInline(what, typ string) string {
	return `<span class="bk-unsupported">[` + what + `: ` + esc(typ) + `]</span>`
}

// element draws an interactive element. The page is static, so controls
// look like Slack's but are inert.
func (r *refs) element(b *strings.Builder, raw json.RawMessage) {
	var e element
	if err := json.Unmarshal(raw, &e); err != nil {
		b.WriteString(unsupportedInline("unreadable element", typeOf(raw)))
		return
	}
	switch {
	case e.Type == "button":
		cls := "bk-btn"
		switch e.Style {
		case "primary":
			cls += " bk-btn-primary"
		case "danger":
			cls += " bk-btn-danger"
		}
		t := elementText(e)
		b.WriteString(`<span class="` + cls + `" role="button" aria-disabled="true"`)
		if e.URL != "" {
			b.WriteString(` title="` + esc(e.URL) + `"`)
		}
		b.WriteString(`>` + plainText(t.Text, emojiOn(t.Emoji)) + `</span>`)
	case e.Type == "image":
		b.WriteString(imageBox("bk-acc-img", e.AltText))
	case e.Type == "overflow":
		b.WriteString(`<span class="bk-btn bk-overflow" role="button" aria-disabled="true" title="more">⋯</span>`)
	case strings.HasSuffix(e.Type, "_select"):
		label := ""
		switch {
		case e.InitialOption != nil:
			label = r.text(e.InitialOption.Text)
		case e.Placeholder != nil:
			label = `<span class="bk-placeholder">` + plainText(e.Placeholder.Text, true) + `</span>`
		default:
			label = `<span class="bk-placeholder">Select an item</span>`
		}
		b.WriteString(`<span class="bk-select">` + label + `<span class="bk-caret">▾</span></span>`)
	case e.Type == "datepicker" || e.Type == "timepicker":
		icon, val := "📅", e.InitialDate
		if e.Type == "timepicker" {
			icon, val = "🕘", e.InitialTime
		}
		label := esc(val)
		if val == "" {
			label = `<span class="bk-placeholder">` + esc(placeholder(e.Placeholder, "Select")) + `</span>`
		}
		b.WriteString(`<span class="bk-select">` + icon + ` ` + label + `</span>`)
	case e.Type == "checkboxes" || e.Type == "radio_buttons":
		mark := "☐"
		if e.Type == "radio_buttons" {
			mark = "○"
		}
		b.WriteString(`<span class="bk-options">`)
		for _, o := range e.Options {
			b.WriteString(`<span class="bk-option">` + mark + ` ` + r.text(o.Text) + `</span>`)
		}
		b.WriteString(`</span>`)
	default:
		b.WriteString(unsupportedInline("unsupported element", e.Type))
	}
}

func placeholder(t *textObj, def string) string {
	if t == nil || t.Text == "" {
		return def
	}
	return t.Text
}

// imageBox stands in for an image: the page loads nothing from the network,
// so it shows the alt text where the picture would be.
func imageBox(class, alt string) string {
	if alt == "" {
		alt = "image"
	}
	return `<div class="` + class + `" title="` + esc(alt) + `"><span class="bk-image-icon">🖼</span><span class="bk-image-alt">` + esc(alt) + `</span></div>`
}
