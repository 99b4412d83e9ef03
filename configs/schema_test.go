package configs

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/invopop/jsonschema"
	sjsonschema "github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the committed JSON schemas from the Go types")

const modulePath = "github.com/liaisonhq/liaison"

// schemaSources are the files (relative to the repository root) whose doc
// comments become the schemas' descriptions: every type the config holds.
var schemaSources = []string{
	"configs/config.go",
	"configs/derived.go",
	"configs/faq.go",
	"connectors/agency.go",
	"connectors/jira/config.go",
	"connectors/slack/config.go",
	"connectors/google/config.go",
	"rules/deadline/config.go",
	"rules/workload/config.go",
	"rules/redirect/config.go",
	"rules/response/config.go",
	"rules/questions/config.go",
	"rules/outofhours/config.go",
	"rules/faq/config.go",
	"rules/checklists/config.go",
	"sync/deliver/config.go",
}

// goComments maps "import/path.Type" and "import/path.Type.Field" to their
// doc comments, the keys invopop/jsonschema looks descriptions up by.
func goComments(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, rel := range schemaSources {
		f, err := parser.ParseFile(fset, filepath.Join("..", filepath.FromSlash(rel)), nil, parser.ParseComments)
		if err != nil {
			t.Fatalf("parsing %s: %v", rel, err)
		}
		pkg := path.Join(modulePath, path.Dir(rel))
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if doc != nil {
					out[pkg+"."+ts.Name.Name] = oneLine(doc.Text())
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fld := range st.Fields.List {
					text := fld.Doc.Text()
					if text == "" {
						text = fld.Comment.Text()
					}
					for _, name := range fld.Names {
						if text != "" {
							out[pkg+"."+ts.Name.Name+"."+name.Name] = oneLine(text)
						}
					}
				}
			}
		}
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// reflector builds schemas from the Go types the loader decodes into, keyed
// by yaml tags, strict like the loader (no additional properties).
func reflector(comments map[string]string) *jsonschema.Reflector {
	return &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		Anonymous:                  true,
		CommentMap:                 comments,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeOf(time.Duration(0)) {
				return &jsonschema.Schema{
					Type:        "string",
					Pattern:     `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`,
					Description: "A duration such as 30s, 5m, 2h or 1h30m.",
				}
			}
			return nil
		},
		// Several packages name their block Config: qualify by package.
		Namer: func(t reflect.Type) string {
			if t.Name() == "" {
				return ""
			}
			pkg := path.Base(t.PkgPath())
			if pkg == "configs" || pkg == "connectors" {
				return t.Name()
			}
			r := []rune(pkg)
			r[0] = unicode.ToUpper(r[0])
			return string(r) + t.Name()
		},
	}
}

func generateSchema(t *testing.T, v any, title string) []byte {
	t.Helper()
	s := reflector(goComments(t)).Reflect(v)
	s.Title = title
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatalf("marshalling schema: %v", err)
	}
	return append(out, '\n')
}

func TestSchemaGolden(t *testing.T) {
	for _, tc := range []struct {
		file  string
		v     any
		title string
	}{
		{"liaison.schema.json", &Config{}, "Liaison configuration (agency.yaml)"},
		{"faq.schema.json", &FAQ{}, "Liaison answer base (faq.yaml)"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := generateSchema(t, tc.v, tc.title)
			if *update {
				if err := os.WriteFile(tc.file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatalf("reading committed schema: %v (run go test ./configs -run TestSchemaGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: the Go types changed; run go test ./configs -run TestSchemaGolden -update and commit it", tc.file)
			}
		})
	}
}

// compileSchema compiles a committed schema with format assertions on.
func compileSchema(t *testing.T, file string) *sjsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sjsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	c := sjsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(file, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(file)
	if err != nil {
		t.Fatalf("compiling %s: %v", file, err)
	}
	return s
}

// yamlInstance turns YAML into the JSON value a schema validator reads.
// Dates stay strings, as the loader reads them (yaml.v3 would make them
// time.Time when decoding into any).
func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(nodeValue(t, &n))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := sjsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func nodeValue(t *testing.T, n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeValue(t, n.Content[0])
	case yaml.AliasNode:
		return nodeValue(t, n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(t, n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, nodeValue(t, c))
		}
		return s
	}
	switch n.ShortTag() {
	case "!!int", "!!float", "!!bool", "!!null":
		var v any
		if err := n.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	return n.Value
}

func TestExamplesMatchSchemas(t *testing.T) {
	for _, tc := range []struct{ schema, example string }{
		{"liaison.schema.json", "examples/agency.yaml"},
		{"faq.schema.json", "examples/faq.yaml"},
	} {
		t.Run(tc.example, func(t *testing.T) {
			s := compileSchema(t, tc.schema)
			data, err := os.ReadFile(tc.example)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlInstance(t, data)); err != nil {
				t.Errorf("%s does not match %s:\n%v", tc.example, tc.schema, err)
			}
		})
	}
}

// TestSchemaIsStrict guards against a schema that accepts anything: the
// mistakes the loader refuses by shape, the schema must refuse too.
func TestSchemaIsStrict(t *testing.T) {
	s := compileSchema(t, "liaison.schema.json")
	for name, doc := range map[string]string{
		"unknown top-level key": "agency: {name: A, timezone: UTC}\nagencyy: {}\n",
		"unknown nested key":    "agency: {name: A, timezone: UTC, time_zone: UTC}\n",
		"missing agency name":   "agency: {timezone: UTC}\n",
		"bad language":          "agency: {name: A, timezone: UTC, language: de}\n",
		"bad duration":          "agency: {name: A, timezone: UTC}\nrules: {response: {first_response: 2}}\n",
		"unknown client rule":   "agency: {name: A, timezone: UTC}\nclients: [{id: a, name: A, account_manager: x, rules: {nope: {}}}]\n",
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate(yamlInstance(t, []byte(doc))); err == nil {
				t.Errorf("schema accepted:\n%s", doc)
			}
		})
	}
}
