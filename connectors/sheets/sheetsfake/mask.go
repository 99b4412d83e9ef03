package sheetsfake

import (
	"errors"
	"strings"
)

// maskTree is a parsed fields mask such as "files(id,name),nextPageToken":
// each name maps to the mask of its sub-fields, nil meaning all of them.
type maskTree map[string]maskTree

// parseMask parses Google's partial-response syntax: names separated by
// commas, a/b for a nested field, a(b,c) for several, "*" for all.
func parseMask(s string) (maskTree, error) {
	t, rest, err := parseMaskList(s)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, errors.New("unbalanced parentheses")
	}
	return t, nil
}

func parseMaskList(s string) (maskTree, string, error) {
	t := maskTree{}
	for {
		s = strings.TrimSpace(s)
		i := strings.IndexAny(s, ",()/")
		name := s
		if i >= 0 {
			name = s[:i]
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, "", errors.New("empty field name")
		}
		if i < 0 {
			t.add(name, nil)
			return t, "", nil
		}
		switch s[i] {
		case ',':
			t.add(name, nil)
			s = s[i+1:]
			continue
		case ')':
			t.add(name, nil)
			return t, s[i:], nil
		case '(':
			sub, rest, err := parseMaskList(s[i+1:])
			if err != nil {
				return nil, "", err
			}
			if !strings.HasPrefix(rest, ")") {
				return nil, "", errors.New("unbalanced parentheses")
			}
			t.add(name, sub)
			s = rest[1:]
		case '/':
			j := strings.IndexAny(s[i+1:], ",)")
			path := s[i+1:]
			if j >= 0 {
				path = s[i+1 : i+1+j]
			}
			sub, _, err := parseMaskList(path)
			if err != nil {
				return nil, "", err
			}
			t.add(name, sub)
			if j < 0 {
				return t, "", nil
			}
			s = s[i+1+j:]
		}
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return t, "", nil
		case s[0] == ',':
			s = s[1:]
		case s[0] == ')':
			return t, s, nil
		}
	}
}

func (t maskTree) add(name string, sub maskTree) {
	if old, ok := t[name]; ok && old != nil && sub != nil {
		for k, v := range sub {
			old.add(k, v)
		}
		return
	}
	if _, ok := t[name]; ok && sub != nil {
		return // already all of it
	}
	t[name] = sub
}

// apply keeps the masked fields of a decoded JSON value; arrays apply the
// mask to each element.
func (t maskTree) apply(v any) any {
	if t == nil {
		return v
	}
	if _, all := t["*"]; all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range t {
			if val, ok := x[k]; ok {
				out[k] = sub.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = t.apply(e)
		}
		return out
	}
	return v
}
