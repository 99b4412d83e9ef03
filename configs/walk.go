package configs

import (
	"encoding"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/configs/field"
)

// document is one YAML file on its way to a Go value: the parsed tree, where
// each key path sits in it, and the problems found so far.
type document struct {
	file     string
	root     *yaml.Node // the top-level mapping (never nil after parse)
	pos      map[string]*yaml.Node
	problems Problems
	reported map[string]bool
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parseDocument parses data into a node tree. A syntax error is reported as
// a problem at the line yaml names.
func parseDocument(file string, data []byte) *document {
	d := &document{file: file, pos: map[string]*yaml.Node{}}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		line := 0
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
		// yaml names the start of the block around a mis-indented line;
		// the indentation scan names the line itself, with its column.
		if ip, ok := findIndentProblem(data); ok && ip.line >= line {
			d.problems = append(d.problems, Problem{File: file, Line: ip.line, Col: ip.col, Path: ip.path,
				Msg: "invalid YAML: " + ip.msg + " (the parser says: " + msg + ")"})
			return d
		}
		p := Problem{File: file, Line: line, Msg: "invalid YAML: " + msg}
		if line > 0 {
			p.Path, p.Col = pathAt(data, line)
		}
		d.problems = append(d.problems, p)
		return d
	}
	root := &n
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	switch {
	case root.Kind == 0 || root.Kind == yaml.DocumentNode || isNull(root):
		d.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}
	case root.Kind != yaml.MappingNode:
		d.add(root, "", "the file must hold a mapping of keys")
	default:
		d.root = root
		d.checkEmptyKeys(strings.Split(string(data), "\n"), root, "", "")
		d.checkControl(root, "")
	}
	return d
}

func (d *document) add(n *yaml.Node, path, format string, args ...any) {
	p := Problem{File: d.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
	d.suppress(path)
}

// suppress keeps validation from reporting path again: a key whose value
// was refused (wrong kind, unset variable, unreadable file) would otherwise
// also be "required" or "invalid", which only repeats the first problem.
func (d *document) suppress(path string) {
	if d.reported == nil {
		d.reported = map[string]bool{}
	}
	d.reported[path] = true
}

// addAt reports a problem found after decoding, locating it by key path: the
// node at path, or at the nearest enclosing key that exists in the file
// (a missing key is reported at the mapping that should hold it). Only the
// first problem per key is kept.
func (d *document) addAt(path, format string, args ...any) {
	if d.reported[path] {
		return
	}
	d.add(d.locate(path), path, format, args...)
}

func (d *document) locate(path string) *yaml.Node {
	for p := path; ; {
		if n, ok := d.pos[p]; ok {
			return n
		}
		if p == "" {
			return d.root
		}
		p = parentPath(p)
	}
}

// parentPath drops the last segment: "a.b[2]" → "a.b", "a.b" → "a".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// shaper is implemented by types that decode a node themselves but whose
// node must still be checked against the shape of another type.
type shaper interface {
	yamlShape() reflect.Type
}

var (
	durationType        = reflect.TypeOf(time.Duration(0))
	shaperType          = reflect.TypeOf((*shaper)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// structFields maps each yaml key of a struct (inline structs flattened) to
// its field type.
func structFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			for k, v := range structFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// check walks node n against Go type t, the way yaml.v3 will decode it, and
// reports every unknown key, duplicate key and value of the wrong kind. It
// records each key's node for locating later problems, and removes what it
// reported (and null values, which mean "not set") so that the decode that
// follows keeps the defaults and cannot fail. It returns false when n itself
// cannot be decoded into t.
func (d *document) check(n *yaml.Node, t reflect.Type, path string) bool {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if _, ok := d.pos[path]; !ok {
		d.pos[path] = n
	}
	if isNull(n) {
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(shaperType) {
		t = reflect.Zero(t).Interface().(shaper).yamlShape()
	}
	if t == durationType {
		return d.checkScalar(n, t, path, "a duration such as 30s, 5m or 2h")
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) && t.Kind() != reflect.Struct {
		// A named value (a severity): its own error says what it accepts,
		// where the kind beneath ("a whole number") would mislead.
		if n.Kind != yaml.ScalarNode {
			d.add(n, path, "must be a single value, not %s", describe(n))
			return false
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.add(n, path, "%v", err)
			return false
		}
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.add(n, path, "must be a mapping of keys, not %s", describe(n))
			return false
		}
		fields := structFields(t)
		d.checkMapping(n, path, func(key *yaml.Node) (reflect.Type, bool) {
			ft, ok := fields[key.Value]
			if !ok {
				d.add(key, field.Join(path, key.Value), "unknown key %q%s", key.Value, suggest(key.Value, fields))
			}
			return ft, ok
		}, t)
		return true
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.add(n, path, "must be a mapping, not %s", describe(n))
			return false
		}
		d.checkMapping(n, path, func(*yaml.Node) (reflect.Type, bool) { return t.Elem(), true }, t)
		return true
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.add(n, path, "must be a list, not %s", describe(n))
			return false
		}
		for i, item := range n.Content {
			if !d.check(item, t.Elem(), field.Index(path, i)) {
				n.Content[i] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: item.Line, Column: item.Column}
			}
		}
		return true
	case reflect.String:
		return d.checkScalar(n, t, path, "a string")
	case reflect.Bool:
		return d.checkScalar(n, t, path, "true or false")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.checkScalar(n, t, path, "a whole number")
	case reflect.Float32, reflect.Float64:
		return d.checkScalar(n, t, path, "a number")
	default:
		return true
	}
}

// checkMapping checks each pair of a mapping, dropping unknown, duplicate,
// null and ill-typed pairs. Merge keys ("<<") are checked against the same
// type.
func (d *document) checkMapping(n *yaml.Node, path string, lookup func(key *yaml.Node) (reflect.Type, bool), t reflect.Type) {
	seen := map[string]*yaml.Node{}
	kept := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			d.add(key, path, "keys must be plain strings")
			continue
		}
		if key.Value == "<<" && key.ShortTag() == "!!merge" {
			d.checkMerge(val, t, path)
			kept = append(kept, key, val)
			continue
		}
		kpath := field.Join(path, key.Value)
		if prev, dup := seen[key.Value]; dup {
			d.add(key, kpath, "duplicate key %q (first defined at line %d)", key.Value, prev.Line)
			continue
		}
		seen[key.Value] = key
		vt, ok := lookup(key)
		if !ok {
			continue
		}
		if isNull(val) {
			d.pos[kpath] = key
			continue
		}
		if !d.check(val, vt, kpath) {
			continue
		}
		if val.Kind == yaml.MappingNode || val.Kind == yaml.SequenceNode {
			// Point at "billing:" rather than at its first nested key.
			d.pos[kpath] = key
		}
		kept = append(kept, key, val)
	}
	n.Content = kept
}

func (d *document) checkMerge(val *yaml.Node, t reflect.Type, path string) {
	if val.Kind == yaml.AliasNode && val.Alias != nil {
		val = val.Alias
	}
	if val.Kind == yaml.SequenceNode {
		for _, v := range val.Content {
			d.checkMerge(v, t, path)
		}
		return
	}
	d.check(val, t, path)
}

// checkScalar decodes a scalar alone to see whether yaml.v3 accepts it for
// t. The message names the expected kind, never the value, which may be a
// secret.
func (d *document) checkScalar(n *yaml.Node, t reflect.Type, path, want string) bool {
	if n.Kind != yaml.ScalarNode {
		d.add(n, path, "must be %s, not %s", want, describe(n))
		return false
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		d.add(n, path, "must be %s", want)
		return false
	}
	return true
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}

// suggest names a known key close to an unknown one ("timezone" for
// "time_zone", "email" for "emial"), since most unknown keys are typos.
func suggest(key string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	return field.DidYouMean(key, names)
}
