package jirafake

import (
	"encoding/json"
	"strings"
)

// adfFromText wraps plain text in an Atlassian Document: one paragraph per line.
func adfFromText(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	type node map[string]any
	var paras []node
	for _, line := range strings.Split(s, "\n") {
		p := node{"type": "paragraph"}
		if line != "" {
			p["content"] = []node{{"type": "text", "text": line}}
		}
		paras = append(paras, p)
	}
	b, _ := json.Marshal(node{"type": "doc", "version": 1, "content": paras})
	return b
}

// adfText flattens a document to text, one line per block, as v2 shows it.
func adfText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		return ""
	}
	var lines []string
	for _, block := range children(doc) {
		var b strings.Builder
		collectText(block, &b)
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "\n")
}

func children(n map[string]any) []map[string]any {
	arr, _ := n["content"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, c := range arr {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func collectText(n map[string]any, b *strings.Builder) {
	if t, ok := n["text"].(string); ok {
		b.WriteString(t)
	}
	for _, c := range children(n) {
		collectText(c, b)
	}
}

// errNotADF is Jira's wire message for rich text that is not a document.
const errNotADF = constErr("Operation value must be an Atlassian Document (see the Atlassian Document Format)")

// validateADF checks the shape Jira checks before accepting a v3 rich-text
// field: a doc node, version 1, and typed nodes all the way down.
func validateADF(v any) (json.RawMessage, error) {
	doc, ok := v.(map[string]any)
	if !ok || doc["type"] != "doc" {
		return nil, errNotADF
	}
	switch ver := doc["version"].(type) {
	case float64:
		if ver != 1 {
			return nil, errNotADF
		}
	case json.Number:
		if ver.String() != "1" {
			return nil, errNotADF
		}
	default:
		return nil, errNotADF
	}
	if _, ok := doc["content"].([]any); !ok {
		return nil, errNotADF
	}
	if !validNodes(doc) {
		return nil, errNotADF
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, errNotADF
	}
	return b, nil
}

func validNodes(n map[string]any) bool {
	raw, present := n["content"]
	if !present {
		return true
	}
	arr, ok := raw.([]any)
	if !ok {
		return false
	}
	for _, c := range arr {
		m, ok := c.(map[string]any)
		if !ok {
			return false
		}
		typ, ok := m["type"].(string)
		if !ok || typ == "" || typ == "doc" {
			return false
		}
		if typ == "text" {
			if _, ok := m["text"].(string); !ok {
				return false
			}
		}
		if !validNodes(m) {
			return false
		}
	}
	return true
}
