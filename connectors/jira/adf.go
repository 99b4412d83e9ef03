package jira

import "strings"

// ADF is an Atlassian Document Format node, the rich-text form every v3
// body (description, comment) must take; Jira rejects plain strings there.
type ADF struct {
	Type    string         `json:"type"`
	Version int            `json:"version,omitempty"` // 1 on the doc node only
	Text    string         `json:"text,omitempty"`
	Content []ADF          `json:"content,omitempty"`
	Attrs   map[string]any `json:"attrs,omitempty"`
}

// TextToADF converts plain text to a document: blank lines separate
// paragraphs, single newlines become hard breaks, and runs of lines starting
// with "- " or "* " become a bullet list, which is how rules write question
// lists and checklists. Empty text gives a document with one empty paragraph.
func TextToADF(text string) ADF {
	doc := ADF{Type: "doc", Version: 1, Content: []ADF{}}
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var para []string
	var items []string
	flushPara := func() {
		if len(para) == 0 {
			return
		}
		doc.Content = append(doc.Content, paragraph(para))
		para = nil
	}
	flushList := func() {
		if len(items) == 0 {
			return
		}
		list := ADF{Type: "bulletList"}
		for _, it := range items {
			list.Content = append(list.Content, ADF{Type: "listItem", Content: []ADF{paragraph([]string{it})}})
		}
		doc.Content = append(doc.Content, list)
		items = nil
	}
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flushPara()
			flushList()
		case strings.HasPrefix(trimmed, "- ") || strings.HasPrefix(trimmed, "* "):
			flushPara()
			items = append(items, strings.TrimSpace(trimmed[2:]))
		default:
			flushList()
			para = append(para, strings.TrimRight(line, " \t"))
		}
	}
	flushPara()
	flushList()
	if len(doc.Content) == 0 {
		// A doc needs content; an empty paragraph is the empty document.
		doc.Content = []ADF{{Type: "paragraph"}}
	}
	return doc
}

// paragraph joins lines with hard breaks; an empty text node is invalid ADF,
// so empty lines produce none.
func paragraph(lines []string) ADF {
	p := ADF{Type: "paragraph"}
	for i, l := range lines {
		if i > 0 {
			p.Content = append(p.Content, ADF{Type: "hardBreak"})
		}
		if l != "" {
			p.Content = append(p.Content, ADF{Type: "text", Text: l})
		}
	}
	return p
}
