package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SeedError is one problem in a scenario file, located at the key it is
// about.
type SeedError struct {
	File      string
	Line, Col int
	// Path is the key path, such as "issues[3].due".
	Path string
	Msg  string
}

// Error formats the problem as "FILE:LINE:COL: path: message".
func (e SeedError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// SeedErrors is every problem found in a scenario, in file order. It is the
// error ParseScenario and New return for a bad seed.
type SeedErrors []SeedError

// Error lists the problems one per line.
func (es SeedErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// ParseScenario reads a scenario strictly: unknown keys, values of the
// wrong type, bad relative dates and references to people, clients,
// channels or messages that do not exist are all reported, each with its
// line. filename names the file in errors. The error is SeedErrors.
func ParseScenario(filename string, data []byte) (*Scenario, error) {
	p := &parser{file: filename, nodes: map[string]*yaml.Node{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "yaml: "), fmt.Sprintf("line %d: ", line))
		return nil, SeedErrors{{File: filename, Line: line, Msg: "invalid YAML: " + msg}}
	}
	if len(doc.Content) == 0 {
		return nil, SeedErrors{{File: filename, Line: 1, Col: 1, Msg: "the scenario is empty"}}
	}
	root := doc.Content[0]
	sc := &Scenario{file: filename}
	p.walk(root, reflect.TypeOf(sc).Elem(), "")
	if len(p.errs) == 0 {
		if err := root.Decode(sc); err != nil {
			p.typeErrors(err)
		}
	}
	if len(p.errs) == 0 {
		sc.nodes = p.nodes
		p.validate(sc)
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			a, b := p.errs[i], p.errs[j]
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		})
		return nil, p.errs
	}
	return sc, nil
}

type parser struct {
	file  string
	nodes map[string]*yaml.Node
	errs  SeedErrors
}

// errAt reports a problem at the node recorded for path, or at the nearest
// enclosing key that exists (a missing key is reported at its mapping).
func (p *parser) errAt(path, format string, args ...any) {
	e := SeedError{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	for q := path; ; q = parentPath(q) {
		if n := p.nodes[q]; n != nil {
			e.Line, e.Col = n.Line, n.Column
			break
		}
		if q == "" {
			break
		}
	}
	p.errs = append(p.errs, e)
}

func (p *parser) errNode(n *yaml.Node, path, format string, args ...any) {
	p.errs = append(p.errs, SeedError{File: p.file, Line: n.Line, Col: n.Column, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// walk records where every key path sits and reports keys the target type
// does not have, so that a typo never passes silently.
func (p *parser) walk(n *yaml.Node, t reflect.Type, path string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	p.nodes[path] = n
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Tag == "!!null" {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			p.errNode(n, path, "must be a mapping of keys")
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				p.errNode(k, joinPath(path, k.Value), "unknown key%s", suggest(k.Value, fields))
				continue
			}
			p.walk(v, ft, joinPath(path, k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			p.errNode(n, path, "must be a list")
			return
		}
		for i, c := range n.Content {
			p.walk(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			p.errNode(n, path, "must be a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			p.walk(n.Content[i+1], t.Elem(), joinPath(path, n.Content[i].Value))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			p.errNode(n, path, "must be a single value, not a %s", kindName(n))
		}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// yamlFields maps the YAML keys of a struct to their types, descending into
// inline fields as yaml.v3 does.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// suggest names the closest known key when a typo is likely.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(key, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// typeErrors turns yaml.v3's "line N: cannot unmarshal ..." into located
// problems, finding the key path of the value on that line.
func (p *parser) typeErrors(err error) {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		p.errs = append(p.errs, SeedError{File: p.file, Msg: err.Error()})
		return
	}
	for _, msg := range te.Errors {
		line := 0
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
		e := SeedError{File: p.file, Line: line, Msg: msg}
		for path, n := range p.nodes {
			if n.Line == line && n.Kind == yaml.ScalarNode && (e.Path == "" || n.Column < e.Col || (n.Column == e.Col && path < e.Path)) {
				e.Path, e.Col = path, n.Column
			}
		}
		p.errs = append(p.errs, e)
	}
}

// SampleScenario returns the built-in sample agency (sample.yaml): three
// clients in Kyiv, Almaty and New York, two account managers, four
// specialists, a head and finance, with overdue and due-soon tasks and a
// few client messages worth alerting about.
func SampleScenario() *Scenario {
	sc, err := ParseScenario("sample.yaml", bytes.Clone(sampleYAML))
	if err != nil {
		// The sample is embedded and tested; failing here is a build defect.
		panic(fmt.Sprintf("sandbox: the embedded sample scenario is invalid: %v", err))
	}
	return sc
}
