package page

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// node is a parsed HTML element. The tests parse the output with
// encoding/xml in its lenient HTML mode rather than pull in an HTML parser:
// the renderer writes every element closed and every attribute quoted, so a
// failure to parse is itself a finding.
type node struct {
	Tag      string
	Attr     map[string]string
	Children []*node
	Text     string // for text nodes (Tag == "")
	Parent   *node
}

func parseHTML(t *testing.T, s string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &node{Tag: "#root"}
	cur := root
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("parsing rendered HTML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{Tag: tok.Name.Local, Attr: map[string]string{}, Parent: cur}
			for _, a := range tok.Attr {
				n.Attr[a.Name.Local] = a.Value
			}
			cur.Children = append(cur.Children, n)
			cur = n
		case xml.EndElement:
			if cur.Tag != tok.Name.Local {
				t.Fatalf("mismatched </%s> inside <%s> in:\n%s", tok.Name.Local, cur.Tag, s)
			}
			cur = cur.Parent
		case xml.CharData:
			cur.Children = append(cur.Children, &node{Text: string(tok), Parent: cur})
		}
	}
	if cur != root {
		t.Fatalf("unclosed <%s> in:\n%s", cur.Tag, s)
	}
	return root
}

// fragment parses an HTML fragment inside a wrapper element.
func fragment(t *testing.T, s string) *node {
	t.Helper()
	return parseHTML(t, "<div>"+s+"</div>").Children[0]
}

func (n *node) hasClass(c string) bool {
	for _, f := range strings.Fields(n.Attr["class"]) {
		if f == c {
			return true
		}
	}
	return false
}

// all returns the elements below n (n included) that match.
func (n *node) all(match func(*node) bool) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		if m.Tag != "" && match(m) {
			out = append(out, m)
		}
		for _, c := range m.Children {
			walk(c)
		}
	}
	walk(n)
	return out
}

func (n *node) byClass(c string) []*node {
	return n.all(func(m *node) bool { return m.hasClass(c) })
}

func (n *node) byTag(tag string) []*node {
	return n.all(func(m *node) bool { return m.Tag == tag })
}

// one returns the single element with class c, failing otherwise.
func (n *node) one(t *testing.T, c string) *node {
	t.Helper()
	found := n.byClass(c)
	if len(found) != 1 {
		t.Fatalf("want one .%s, found %d in %s", c, len(found), n.text())
	}
	return found[0]
}

// text is the element's text content with whitespace collapsed.
func (n *node) text() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		if m.Tag == "" {
			b.WriteString(m.Text)
		}
		if m.Tag == "br" {
			b.WriteString("\n")
		}
		for _, c := range m.Children {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' }), " ")
}
