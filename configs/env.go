package configs

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/configs/field"
)

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// errMalformedRef is deliberately vague about where in the value the bad
// reference sits: the value may be a secret.
var errMalformedRef = errors.New(`malformed variable reference: write ${NAME} (letters, digits, _), or $$ for a literal $`)

// expand replaces ${NAME} in s by lookup(NAME) and "$$" by "$". A "$" not
// followed by "{" or "$" is kept as it is, so that values such as prices
// ("$5") need no escaping. It returns the names that are not set.
func expand(s string, lookup func(string) (string, bool)) (string, []string, error) {
	if !strings.Contains(s, "$") {
		return s, nil, nil
	}
	var b strings.Builder
	var missing []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", nil, errMalformedRef
			}
			name := s[i+2 : i+2+end]
			if !envNameRE.MatchString(name) {
				return "", nil, errMalformedRef
			}
			v, ok := lookup(name)
			if !ok {
				missing = append(missing, name)
			}
			b.WriteString(v)
			i += 2 + end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), missing, nil
}

// expandEnv expands variables in every scalar value of the document. An
// unset variable is a problem, except inside connections.<name>: there it
// means that connection is not configured (so a config can be checked in CI
// without production credentials), and the whole block is dropped. It
// returns, per connection, the variables that were missing.
func (d *document) expandEnv(lookup func(string) (string, bool)) map[string][]string {
	unset := map[string][]string{}
	d.expandNode(d.root, "", lookup, unset)
	if len(unset) == 0 {
		return unset
	}
	// Drop the blocks of connections that lack a variable: half a
	// connection would otherwise fail validation for a missing token.
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		if d.root.Content[i].Value != "connections" || d.root.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		conns := d.root.Content[i+1]
		kept := conns.Content[:0:0]
		for j := 0; j+1 < len(conns.Content); j += 2 {
			if _, drop := unset[conns.Content[j].Value]; !drop {
				kept = append(kept, conns.Content[j], conns.Content[j+1])
			}
		}
		conns.Content = kept
	}
	return unset
}

func (d *document) expandNode(n *yaml.Node, path string, lookup func(string) (string, bool), unset map[string][]string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.expandNode(n.Content[i+1], field.Join(path, n.Content[i].Value), lookup, unset)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.expandNode(c, field.Index(path, i), lookup, unset)
		}
	case yaml.ScalarNode:
		v, missing, err := expand(n.Value, lookup)
		if err != nil {
			d.add(n, path, "%v", err)
			return
		}
		if conn, ok := connectionOf(path); ok && len(missing) > 0 {
			unset[conn] = append(unset[conn], missing...)
			return
		}
		for _, name := range missing {
			d.add(n, path, "${%s} is not set", name)
		}
		if v == n.Value {
			return
		}
		n.Value = v
		// A plain scalar is typed by its text ("9090" is an int), so retype it
		// now that the text is known; quoted ones stay strings.
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) == 0 {
			n.Tag = ""
			n.Tag = n.ShortTag()
		}
	}
}

// connectionOf returns "jira" for "connections.jira.api_token".
func connectionOf(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "connections.")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, ".")
	name, _, _ = strings.Cut(name, "[")
	_, known := structFields(reflect.TypeOf(Connections{}))[name]
	return name, known
}

// describeUnset words the reason a connection is not configured.
func describeUnset(conn string, names []string) string {
	refs := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			refs = append(refs, "${"+n+"}")
		}
	}
	verb := "is"
	if len(refs) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s: %s %s not set", conn, strings.Join(refs, ", "), verb)
}
