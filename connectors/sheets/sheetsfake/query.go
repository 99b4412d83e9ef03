package sheetsfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

func jsonEncode(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

// term is one condition of a Drive query the fake understands.
type term struct {
	kind  string // "trashed", "parent", "appProperty", "mimeType", "name"
	key   string
	value string
}

// parseQuery parses the subset of Drive's query language Liaison sends:
// conditions joined by "and", each one of
//
//	trashed = true|false
//	'<id>' in parents
//	appProperties has { key='k' and value='v' }
//	mimeType = '<type>'
//	name = '<name>'
//
// Anything else (or, not, parentheses, other fields and operators) is an
// error, which Drive would answer with 400 too, or answer differently.
func parseQuery(q string) ([]term, error) {
	toks, err := tokenize(q)
	if err != nil {
		return nil, err
	}
	var out []term
	i := 0
	next := func() string {
		if i < len(toks) {
			i++
			return toks[i-1]
		}
		return ""
	}
	expect := func(want string) error {
		if got := next(); !strings.EqualFold(got, want) {
			return fmt.Errorf("want %q, got %q", want, got)
		}
		return nil
	}
	str := func() (string, error) {
		t := next()
		if !strings.HasPrefix(t, "'") {
			return "", fmt.Errorf("want a quoted string, got %q", t)
		}
		return t[1:], nil
	}
	for {
		t := next()
		switch {
		case t == "trashed":
			if err := expect("="); err != nil {
				return nil, err
			}
			v := next()
			if v != "true" && v != "false" {
				return nil, fmt.Errorf("trashed = %q", v)
			}
			out = append(out, term{kind: "trashed", value: v})
		case t == "mimeType" || t == "name":
			if err := expect("="); err != nil {
				return nil, err
			}
			v, err := str()
			if err != nil {
				return nil, err
			}
			out = append(out, term{kind: t, value: v})
		case strings.HasPrefix(t, "'"):
			if err := expect("in"); err != nil {
				return nil, err
			}
			if err := expect("parents"); err != nil {
				return nil, err
			}
			out = append(out, term{kind: "parent", value: t[1:]})
		case t == "appProperties":
			if err := expect("has"); err != nil {
				return nil, err
			}
			if err := expect("{"); err != nil {
				return nil, err
			}
			if err := expect("key"); err != nil {
				return nil, err
			}
			if err := expect("="); err != nil {
				return nil, err
			}
			k, err := str()
			if err != nil {
				return nil, err
			}
			if err := expect("and"); err != nil {
				return nil, err
			}
			if err := expect("value"); err != nil {
				return nil, err
			}
			if err := expect("="); err != nil {
				return nil, err
			}
			v, err := str()
			if err != nil {
				return nil, err
			}
			if err := expect("}"); err != nil {
				return nil, err
			}
			out = append(out, term{kind: "appProperty", key: k, value: v})
		default:
			return nil, fmt.Errorf("condition starting %q is not served", t)
		}
		switch t := next(); {
		case t == "":
			return out, nil
		case strings.EqualFold(t, "and"):
		default:
			return nil, fmt.Errorf("want and, got %q", t)
		}
	}
}

// tokenize splits a query into words, symbols and quoted strings (kept
// with their opening quote, escapes resolved).
func tokenize(q string) ([]string, error) {
	var toks []string
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '{' || c == '}' || c == '=' || c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '\'':
			var b strings.Builder
			b.WriteByte('\'')
			i++
			closed := false
			for i < len(q) {
				if q[i] == '\\' && i+1 < len(q) {
					b.WriteByte(q[i+1])
					i += 2
					continue
				}
				if q[i] == '\'' {
					closed = true
					i++
					break
				}
				b.WriteByte(q[i])
				i++
			}
			if !closed {
				return nil, errors.New("unterminated string")
			}
			toks = append(toks, b.String())
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\n{}=()'", rune(q[j])) {
				j++
			}
			toks = append(toks, q[i:j])
			i = j
		}
	}
	return toks, nil
}

func matchAll(terms []term, fl *file) bool {
	for _, t := range terms {
		switch t.kind {
		case "trashed":
			if fl.meta.Trashed != (t.value == "true") {
				return false
			}
		case "parent":
			if !slices.Contains(fl.meta.Parents, t.value) {
				return false
			}
		case "appProperty":
			if v, ok := fl.meta.AppProperties[t.key]; !ok || v != t.value {
				return false
			}
		case "mimeType":
			if fl.meta.MimeType != t.value {
				return false
			}
		case "name":
			if fl.meta.Name != t.value {
				return false
			}
		}
	}
	return true
}
