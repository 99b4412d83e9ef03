package page

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// richContainer is a rich_text child: a section, list, quote or
// preformatted run. A list's style is a string ("bullet", "ordered"), unlike
// a text element's style object, so it is read separately.
type richContainer struct {
	Type     string            `json:"type"`
	Elements []json.RawMessage `json:"elements"`
	Style    json.RawMessage   `json:"style"`
	Indent   int               `json:"indent"`
	Offset   int               `json:"offset"`
}

// richInline is an inline element of a rich_text container.
type richInline struct {
	Type        string          `json:"type"`
	Text        string          `json:"text"`
	Style       *richStyle      `json:"style"`
	URL         string          `json:"url"`
	UserID      string          `json:"user_id"`
	ChannelID   string          `json:"channel_id"`
	UsergroupID string          `json:"usergroup_id"`
	Range       string          `json:"range"`
	Name        string          `json:"name"`
	Unicode     string          `json:"unicode"`
	Timestamp   json.RawMessage `json:"timestamp"`
	Fallback    string          `json:"fallback"`
	Value       string          `json:"value"`
}

type richStyle struct {
	Bold   bool `json:"bold"`
	Italic bool `json:"italic"`
	Strike bool `json:"strike"`
	Code   bool `json:"code"`
}

// maxIndent bounds list indentation to the levels Slack offers.
const maxIndent = 8

func (r *refs) richText(b *strings.Builder, elems []json.RawMessage) {
	b.WriteString(`<div class="rt">`)
	for _, raw := range elems {
		var c richContainer
		if err := json.Unmarshal(raw, &c); err != nil {
			b.WriteString(unsupported("unreadable rich text", typeOf(raw)))
			continue
		}
		switch c.Type {
		case "rich_text_section":
			b.WriteString(`<div class="rt-section">`)
			r.richInlines(b, c.Elements, true)
			b.WriteString(`</div>`)
		case "rich_text_list":
			r.richList(b, c)
		case "rich_text_quote":
			b.WriteString(`<blockquote class="md-quote">`)
			r.richInlines(b, c.Elements, true)
			b.WriteString(`</blockquote>`)
		case "rich_text_preformatted":
			b.WriteString(`<pre class="md-pre">`)
			r.richInlines(b, c.Elements, false)
			b.WriteString(`</pre>`)
		default:
			b.WriteString(unsupported("unsupported rich text", c.Type))
		}
	}
	b.WriteString(`</div>`)
}

func (r *refs) richList(b *strings.Builder, c richContainer) {
	var style string
	_ = json.Unmarshal(c.Style, &style)
	tag := "ul"
	if style == "ordered" {
		tag = "ol"
	}
	indent := min(max(c.Indent, 0), maxIndent)
	b.WriteString(`<` + tag + ` class="rt-list" style="margin-left:` + strconv.Itoa(indent*24) + `px"`)
	if tag == "ol" && c.Offset > 0 {
		b.WriteString(` start="` + strconv.Itoa(c.Offset+1) + `"`)
	}
	b.WriteString(`>`)
	for _, raw := range c.Elements {
		var item richContainer
		if err := json.Unmarshal(raw, &item); err != nil {
			continue
		}
		b.WriteString(`<li>`)
		r.richInlines(b, item.Elements, true)
		b.WriteString(`</li>`)
	}
	b.WriteString(`</` + tag + `>`)
}

// richInlines renders inline elements; styled is false inside preformatted
// runs, where Slack shows text as typed.
func (r *refs) richInlines(b *strings.Builder, elems []json.RawMessage, styled bool) {
	for _, raw := range elems {
		var e richInline
		if err := json.Unmarshal(raw, &e); err != nil {
			b.WriteString(unsupportedInline("unreadable element", typeOf(raw)))
			continue
		}
		h := r.richInline(e)
		if styled && e.Style != nil {
			h = wrapStyle(h, *e.Style)
		}
		b.WriteString(h)
	}
}

func (r *refs) richInline(e richInline) string {
	switch e.Type {
	case "text":
		return strings.ReplaceAll(esc(e.Text), "\n", "<br>")
	case "link":
		label := e.Text
		if label == "" {
			label = e.URL
		}
		if !safeURL(e.URL) {
			return esc(label)
		}
		return `<a href="` + esc(e.URL) + `" class="md-link">` + esc(label) + `</a>`
	case "user":
		h, _ := r.control("@" + e.UserID)
		return h
	case "channel":
		h, _ := r.control("#" + e.ChannelID)
		return h
	case "usergroup":
		return `<span class="mention">@` + esc(e.UsergroupID) + `</span>`
	case "broadcast":
		return special(e.Range, "")
	case "emoji":
		if u, ok := emoji[e.Name]; ok {
			return `<span class="emoji" title=":` + esc(e.Name) + `:">` + u + `</span>`
		}
		if u := fromCodepoints(e.Unicode); u != "" {
			return `<span class="emoji" title=":` + esc(e.Name) + `:">` + esc(u) + `</span>`
		}
		return esc(":" + e.Name + ":")
	case "date":
		if e.Fallback != "" {
			return esc(e.Fallback)
		}
		if sec, err := strconv.ParseInt(strings.Trim(string(e.Timestamp), `"`), 10, 64); err == nil {
			return esc(time.Unix(sec, 0).UTC().Format("2006-01-02 15:04 MST"))
		}
		return ""
	case "color":
		return `<code class="md-code">` + esc(e.Value) + `</code>`
	}
	return unsupportedInline("unsupported element", e.Type)
}

func wrapStyle(h string, s richStyle) string {
	if s.Code {
		h = `<code class="md-code">` + h + `</code>`
	}
	if s.Strike {
		h = `<s>` + h + `</s>`
	}
	if s.Italic {
		h = `<i>` + h + `</i>`
	}
	if s.Bold {
		h = `<b>` + h + `</b>`
	}
	return h
}

// fromCodepoints decodes Slack's "1f525" or "26a0-fe0f" form; it returns ""
// for anything that is not a list of valid code points.
func fromCodepoints(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(s, "-") {
		n, err := strconv.ParseUint(part, 16, 32)
		if err != nil || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || n < 0x20 {
			return ""
		}
		b.WriteRune(rune(n))
	}
	return b.String()
}
