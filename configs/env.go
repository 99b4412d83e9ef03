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

// missingRef is a ${NAME} inside connections.<conn> whose variable is not set.
type missingRef struct {
	name string
	path string // "connections.jira.webhook_secret"
	node *yaml.Node
}

// envResult is what expanding the environment found about the connections.
type envResult struct {
	// unset lists, per connection dropped for want of variables, the
	// variables that were missing.
	unset map[string][]string
	// featuresOff says, for each optional secret left unset in a connection
	// that is otherwise configured, which feature is off.
	featuresOff []string
}

// expandEnv expands variables in every scalar value of the document. An
// unset variable is a problem, except inside connections.<name>:
//
//   - when none of the block's variables is set, the connection is not
//     configured (so a config can be checked in CI without production
//     credentials) and the whole block is dropped;
//   - when the block is otherwise set, an unset optional secret (the Jira
//     webhook secret, the Slack secret of the event mode not in use) turns
//     off only its feature, and an unset required one is a problem.
func (d *document) expandEnv(lookup func(string) (string, bool)) envResult {
	res := envResult{unset: map[string][]string{}}
	missing := map[string][]missingRef{}
	set := map[string]int{}
	d.expandNode(d.root, "", lookup, missing, set)
	var drop []string
	for _, conn := range sortedKeys(missing) {
		refs := missing[conn]
		if set[conn] == 0 {
			for _, r := range refs {
				res.unset[conn] = append(res.unset[conn], r.name)
			}
			drop = append(drop, conn)
			continue
		}
		for _, r := range refs {
			if feature := d.optionalFeature(r.path); feature != "" {
				// Left empty, the key reads as not given: the connector
				// runs and only this feature is off.
				r.node.Value, r.node.Tag, r.node.Style = "", "!!str", yaml.DoubleQuotedStyle
				res.featuresOff = append(res.featuresOff, fmt.Sprintf("%s: ${%s} is not set: %s", conn, r.name, feature))
				continue
			}
			d.add(r.node, r.path, "${%s} is not set; connections.%s needs it (leave every variable of the block unset to run without %s)", r.name, conn, conn)
		}
	}
	if len(drop) == 0 {
		return res
	}
	// Drop the blocks of connections that lack every variable: half a
	// connection would otherwise fail validation for a missing token.
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		if d.root.Content[i].Value != "connections" || d.root.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		conns := d.root.Content[i+1]
		kept := conns.Content[:0:0]
		for j := 0; j+1 < len(conns.Content); j += 2 {
			if _, dropped := res.unset[conns.Content[j].Value]; !dropped {
				kept = append(kept, conns.Content[j], conns.Content[j+1])
			}
		}
		conns.Content = kept
	}
	return res
}

// optionalFeature names the feature an optional connection secret enables,
// or "" when the key is required for the connection to work at all.
func (d *document) optionalFeature(path string) string {
	switch path {
	case "connections.jira.webhook_secret":
		return "the Jira webhook (POST /jira/webhook) is off; changes arrive with the pull every 2 minutes"
	case "connections.google.ads.developer_token":
		return "Google Ads pulls are off; Search Console runs"
	case "connections.slack.signing_secret":
		if d.slackMode() != "events" {
			return "the Events API endpoint (/slack/events) is off; events arrive over Socket Mode"
		}
	case "connections.slack.app_token":
		if d.slackMode() == "events" {
			return "Socket Mode is off; events arrive at /slack/events"
		}
	}
	return ""
}

// slackMode is connections.slack.mode as written, "" when absent.
func (d *document) slackMode() string {
	conns := mappingValue(d.root, "connections")
	if n := mappingValue(mappingValue(conns, "slack"), "mode"); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// mappingValue is the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func (d *document) expandNode(n *yaml.Node, path string, lookup func(string) (string, bool), missingRefs map[string][]missingRef, set map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.expandNode(n.Content[i+1], field.Join(path, n.Content[i].Value), lookup, missingRefs, set)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.expandNode(c, field.Index(path, i), lookup, missingRefs, set)
		}
	case yaml.ScalarNode:
		conn, inConn := connectionOf(path)
		found := 0
		counting := func(name string) (string, bool) {
			v, ok := lookup(name)
			if ok {
				found++
			}
			return v, ok
		}
		v, missing, err := expand(n.Value, counting)
		if err != nil {
			d.add(n, path, "%v", err)
			return
		}
		if inConn {
			set[conn] += found
			if len(missing) > 0 {
				for _, name := range missing {
					missingRefs[conn] = append(missingRefs[conn], missingRef{name: name, path: path, node: n})
				}
				return
			}
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
