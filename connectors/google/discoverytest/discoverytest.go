// Package discoverytest checks HTTP traffic against a Google discovery
// document (discovery#restDescription), such as the Search Console, Sheets
// and Drive documents in specs/google: that a request's path fits a
// method's template, and that request and response bodies fit the
// method's schemas (types, enums, no unknown fields, int64 as strings).
// Tests of the Google fakes and clients use it so that a fake cannot drift
// from the real API unnoticed.
package discoverytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// ErrNoSpec means the document is not where it is expected; tests skip.
var ErrNoSpec = errors.New("discovery document not found")

type schema struct {
	ID                   string             `json:"id"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Ref                  string             `json:"$ref"`
	Enum                 []string           `json:"enum"`
	Items                *schema            `json:"items"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *schema            `json:"additionalProperties"`
}

type method struct {
	ID         string `json:"id"`
	Path       string `json:"path"`
	FlatPath   string `json:"flatPath"`
	HTTPMethod string `json:"httpMethod"`
	Parameters map[string]struct {
		Location string `json:"location"`
	} `json:"parameters"`
	Request *struct {
		Ref string `json:"$ref"`
	} `json:"request"`
	Response *struct {
		Ref string `json:"$ref"`
	} `json:"response"`
	re *regexp.Regexp
}

type resource struct {
	Methods   map[string]*method   `json:"methods"`
	Resources map[string]*resource `json:"resources"`
}

// Doc is a loaded discovery document.
type Doc struct {
	ServicePath string
	schemas     map[string]*schema
	methods     map[string]*method
	common      []string
}

// Load reads a discovery document.
func Load(path string) (*Doc, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoSpec, path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading discovery document: %w", err)
	}
	var d struct {
		ServicePath string                     `json:"servicePath"`
		Schemas     map[string]*schema         `json:"schemas"`
		Parameters  map[string]json.RawMessage `json:"parameters"`
		resource
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("parsing discovery document %s: %w", path, err)
	}
	doc := &Doc{ServicePath: d.ServicePath, schemas: d.Schemas, methods: map[string]*method{}}
	for name := range d.Parameters {
		doc.common = append(doc.common, name)
	}
	sort.Strings(doc.common)
	var walk func(r *resource)
	walk = func(r *resource) {
		for _, m := range r.Methods {
			p := m.FlatPath
			if p == "" {
				p = m.Path
			}
			// A {param} is one path segment; a {+param} may span several.
			pat := regexp.QuoteMeta(p)
			pat = regexp.MustCompile(`\\\{\\\+[^}]*\\\}`).ReplaceAllString(pat, `.+`)
			pat = regexp.MustCompile(`\\\{[^}]*\\\}`).ReplaceAllString(pat, `[^/]+`)
			m.re = regexp.MustCompile("^/?" + regexp.QuoteMeta(d.ServicePath) + pat + "$")
			doc.methods[m.ID] = m
		}
		for _, sub := range r.Resources {
			walk(sub)
		}
	}
	walk(&d.resource)
	return doc, nil
}

// LoadSpec loads specs/<rel> from the shared specs directory, found as
// ../shared/specs beside the module root above the working directory.
func LoadSpec(rel string) (*Doc, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			// The specs sit beside the checkout; a git worktree one level
			// deeper (wt/<name>) finds them one level further up.
			for _, up := range []string{"..", filepath.Join("..", "..")} {
				path := filepath.Join(dir, up, "shared", "specs", rel)
				if _, err := os.Stat(path); err == nil {
					return Load(path)
				}
			}
			return Load(filepath.Join(dir, "..", "shared", "specs", rel))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("%w: no module root above the working directory", ErrNoSpec)
		}
		dir = parent
	}
}

// MethodFor returns the id of the method serving httpMethod on the
// escaped path (as sent on the wire), or "" when none does.
func (d *Doc) MethodFor(httpMethod, escapedPath string) string {
	ids := make([]string, 0, len(d.methods))
	for id := range d.methods {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		m := d.methods[id]
		if m.HTTPMethod == httpMethod && m.re.MatchString(escapedPath) {
			return id
		}
	}
	return ""
}

// Method describes one method of the document.
type Method struct {
	ID, HTTPMethod string
	// Query are the method's query parameters plus the document's common
	// ones (alt, fields, key...); Path its path parameters.
	Query, Path []string
}

// Method returns the method with id, ok false when the document has none.
func (d *Doc) Method(id string) (Method, bool) {
	m := d.methods[id]
	if m == nil {
		return Method{}, false
	}
	out := Method{ID: id, HTTPMethod: m.HTTPMethod, Query: slices.Clone(d.common)}
	for name, p := range m.Parameters {
		if p.Location == "path" {
			out.Path = append(out.Path, name)
		} else {
			out.Query = append(out.Query, name)
		}
	}
	sort.Strings(out.Query)
	sort.Strings(out.Path)
	return out, true
}

// CheckRequest returns how body departs from methodID's request schema.
func (d *Doc) CheckRequest(methodID string, body []byte) []string {
	m := d.methods[methodID]
	if m == nil {
		return []string{"unknown method " + methodID}
	}
	if m.Request == nil {
		if len(strings.TrimSpace(string(body))) > 0 {
			return []string{methodID + " takes no request body"}
		}
		return nil
	}
	return d.checkBody(m.Request.Ref, body)
}

// CheckResponse returns how body departs from methodID's response schema.
func (d *Doc) CheckResponse(methodID string, body []byte) []string {
	m := d.methods[methodID]
	if m == nil {
		return []string{"unknown method " + methodID}
	}
	if m.Response == nil {
		return nil
	}
	return d.checkBody(m.Response.Ref, body)
}

func (d *Doc) checkBody(ref string, body []byte) []string {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	var out []string
	d.check(&schema{Ref: ref}, v, ref, &out)
	return out
}

// CheckPathParam reports whether an escaped path segment carries want
// intact: a {param} (unlike {+param}) must have its slashes escaped, or a
// siteUrl such as "https://example.com/" would split into segments.
func CheckPathParam(segment, want string) error {
	raw, err := url.PathUnescape(segment)
	if err != nil {
		return fmt.Errorf("path parameter %q: %w", segment, err)
	}
	if strings.Contains(segment, "/") || raw != want {
		return fmt.Errorf("path parameter %q carries %q, want %q", segment, raw, want)
	}
	return nil
}

func (d *Doc) check(s *schema, v any, at string, out *[]string) {
	if s.Ref != "" {
		rs := d.schemas[s.Ref]
		if rs == nil {
			*out = append(*out, at+": unknown schema "+s.Ref)
			return
		}
		s = rs
	}
	bad := func(format string, args ...any) { *out = append(*out, at+": "+fmt.Sprintf(format, args...)) }
	switch s.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p := s.Properties[k]; p != nil {
				d.check(p, obj[k], at+"."+k, out)
			} else if s.AdditionalProperties != nil {
				d.check(s.AdditionalProperties, obj[k], at+"."+k, out)
			} else {
				bad("unknown field %q", k)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return
		}
		for i, e := range arr {
			if s.Items != nil {
				d.check(s.Items, e, fmt.Sprintf("%s[%d]", at, i), out)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			bad("%q is not one of %v", str, s.Enum)
		}
		if (s.Format == "int64" || s.Format == "uint64") && !regexp.MustCompile(`^-?[0-9]+$`).MatchString(str) {
			bad("%q is not an %s", str, s.Format)
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			bad("want an integer, got %T", v)
			return
		}
		if _, err := n.Int64(); err != nil {
			bad("%s is not an integer", n)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			bad("want a number, got %T", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	case "any", "":
	default:
		bad("schema type %q not understood", s.Type)
	}
}
