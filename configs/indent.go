package configs

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/configs/field"
)

// indentProblem is where a YAML file's indentation first goes wrong.
type indentProblem struct {
	line, col int
	path      string // the key path around the line, e.g. "people[0]"
	msg       string
}

// level is one open block while scanning indentation.
type level struct {
	indent int
	seq    bool   // a list's items ("- ") rather than a mapping's keys
	path   string // key path of the block
	items  int    // items seen, for seq levels
}

var (
	keyRE         = regexp.MustCompile(`^("[^"]*"|'[^']*'|[^\s#'"{\[][^:#]*?)\s*:(\s+|$)`)
	blockScalarRE = regexp.MustCompile(`[|>][+-]?[0-9]?\s*(#.*)?$`)
)

// findIndentProblem scans a file that yaml refused for the first line
// whose indentation fits no open block. yaml.v3 reports such errors at the
// start of the enclosing block ("line 77: did not find expected key" for a
// key mis-indented on line 100) and without a column; the scan names the
// line itself. It understands block mappings and lists, compact lists
// under a key, flow collections and block scalars, which is what
// agency.yaml uses; it reports nothing when it sees nothing wrong.
func findIndentProblem(data []byte) (indentProblem, bool) {
	return scanIndent(data, nil)
}

// pathAt returns the key path of the last content line at or before line,
// and the column where that line's content starts: where a syntax error
// yaml names only by line sits in the file's keys.
func pathAt(data []byte, line int) (path string, col int) {
	_, _ = scanIndent(data, func(n, indent int, p string) bool {
		if n > line {
			return false
		}
		path, col = p, indent+1
		return true
	})
	return path, col
}

// scanIndent walks the file's block structure, calling visit (when not
// nil) with each content line's number, indentation and key path; visit
// returning false stops the scan. It returns the first indentation
// problem it meets.
func scanIndent(data []byte, visit func(line, indent int, path string) bool) (indentProblem, bool) {
	lines := strings.Split(string(data), "\n")
	stack := []level{{indent: 0}}
	opens := false // the previous line ended a key with no value: a block may follow
	openPath := ""
	prevLine := 0
	skipDeeper := -1 // inside a block scalar: skip lines indented more than this
	flowDepth := 0
	strayItem := 0 // line of a key whose list went left of it, while the item lasts
	for i, raw := range lines {
		n := i + 1
		text := strings.TrimRight(raw, " \t\r")
		content := strings.TrimLeft(text, " ")
		indent := len(text) - len(content)
		if content == "" || strings.HasPrefix(content, "#") {
			continue
		}
		if skipDeeper >= 0 {
			if indent > skipDeeper {
				continue
			}
			skipDeeper = -1
		}
		if flowDepth > 0 {
			flowDepth += strings.Count(content, "[") + strings.Count(content, "{") - strings.Count(content, "]") - strings.Count(content, "}")
			continue
		}
		if content == "---" || content == "..." || strings.HasPrefix(content, "%") {
			continue
		}
		top := &stack[len(stack)-1]
		item := content == "-" || strings.HasPrefix(content, "- ")
		switch {
		case indent > top.indent:
			if !opens {
				msg := "indented deeper than line " + strconv.Itoa(prevLine) + ", which already holds a value"
				if strayItem > 0 {
					msg += "; if line " + strconv.Itoa(prevLine) + " belongs to the key on line " + strconv.Itoa(strayItem) + ", indent it under that key"
				}
				return indentProblem{line: n, col: indent + 1, path: top.path, msg: msg}, true
			}
			stack = append(stack, level{indent: indent, seq: item, path: openPath})
		case indent == top.indent && opens && item && !top.seq:
			// A compact list: "hours:\n- a" at the key's own indentation.
			stack = append(stack, level{indent: indent, seq: true, path: openPath})
		default:
			if opens && item {
				// A list item left of the key just opened: the key stays
				// empty. Valid YAML, but remembered in case what follows
				// shows the item was meant for the key.
				strayItem = prevLine
			} else {
				strayItem = 0
			}
			around := top.path // the block the line falls out of
			for len(stack) > 1 && stack[len(stack)-1].indent > indent {
				stack = stack[:len(stack)-1]
			}
			// A compact list ends where its parent mapping's next key starts.
			if t := stack[len(stack)-1]; t.seq && !item && len(stack) > 1 && stack[len(stack)-2].indent == indent {
				stack = stack[:len(stack)-1]
			}
			t := stack[len(stack)-1]
			if t.indent != indent {
				return indentProblem{line: n, col: indent + 1, path: around,
					msg: "indentation of " + spaces(indent) + " matches no block above it"}, true
			}
			if t.seq && !item {
				return indentProblem{line: n, col: indent + 1, path: t.path,
					msg: "a key at the indentation of the list items above it: indent it under an item, or start a new item with \"- \""}, true
			}
			if !t.seq && item && len(stack) > 1 {
				return indentProblem{line: n, col: indent + 1, path: t.path,
					msg: "a list item among keys: indent the list under the key it belongs to"}, true
			}
		}
		top = &stack[len(stack)-1]
		rest := content
		path := top.path
		if item {
			path = field.Index(top.path, top.items)
			top.items++
			rest = strings.TrimLeft(strings.TrimPrefix(content, "-"), " ")
			if keyRE.MatchString(rest) {
				// "- key: value" opens a mapping whose keys sit after "- ".
				stack = append(stack, level{indent: indent + (len(content) - len(rest)), path: path})
			}
		}
		opens, openPath = false, path
		if m := keyRE.FindStringSubmatch(rest); m != nil {
			key := strings.Trim(m[1], `"'`)
			openPath = field.Join(path, key)
			value := strings.TrimSpace(rest[len(m[0]):])
			switch {
			case value == "" || strings.HasPrefix(value, "#"):
				opens = true
			case blockScalarRE.MatchString(value) && (value[0] == '|' || value[0] == '>'):
				skipDeeper = indent
			case value[0] == '[' || value[0] == '{':
				flowDepth = strings.Count(value, "[") + strings.Count(value, "{") - strings.Count(value, "]") - strings.Count(value, "}")
			}
		} else if item && rest == "" {
			opens = true
		} else if rest != "" && (rest[0] == '[' || rest[0] == '{') {
			flowDepth = strings.Count(rest, "[") + strings.Count(rest, "{") - strings.Count(rest, "]") - strings.Count(rest, "}")
		}
		if visit != nil && !visit(n, indent, openPath) {
			return indentProblem{}, false
		}
		prevLine = n
	}
	return indentProblem{}, false
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return strconv.Itoa(n) + " spaces"
}

// checkEmptyKeys reports a key left empty because the list meant for it is
// indented less than the key: yaml reads the key as null (its default
// applies, silently) and the list's items as items of an enclosing list.
// An item that starts with the same key as the one the empty key is in
// ("- id: ...") is taken for the next sibling, which is how an empty key
// at the end of an item legitimately looks.
func (d *document) checkEmptyKeys(lines []string, n *yaml.Node, path, itemKey string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := field.Join(path, k.Value)
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
				next, indent, ok := nextContentLine(lines, k.Line)
				if !ok || indent >= k.Column-1 {
					continue
				}
				c := strings.TrimLeft(lines[next-1], " ")
				if !strings.HasPrefix(c, "-") {
					continue
				}
				first := strings.TrimLeft(strings.TrimPrefix(c, "-"), " {")
				if m := keyRE.FindStringSubmatch(first); m != nil && itemKey != "" && strings.Trim(m[1], `"'`) == itemKey {
					continue
				}
				d.add(k, p, "is empty: the list on line %d is indented less than this key, so it is not this key's; indent it under the key, or write [] if the key is meant to be empty", next)
				continue
			}
			d.checkEmptyKeys(lines, v, p, "")
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			first := ""
			if c.Kind == yaml.MappingNode && len(c.Content) > 0 {
				first = c.Content[0].Value
			}
			d.checkEmptyKeys(lines, c, field.Index(path, i), first)
		}
	}
}

// nextContentLine returns the 1-based number and indentation of the first
// line after line that is neither blank nor a comment.
func nextContentLine(lines []string, line int) (int, int, bool) {
	for i := line; i < len(lines); i++ {
		t := strings.TrimRight(lines[i], " \t\r")
		c := strings.TrimLeft(t, " ")
		if c == "" || strings.HasPrefix(c, "#") {
			continue
		}
		return i + 1, len(t) - len(c), true
	}
	return 0, 0, false
}
