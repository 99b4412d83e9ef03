package configs

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestIndentationErrorsNamedAtTheirLine(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      string // FILE:LINE:COL: path: start of message
	}{
		{"key under a list item, one space short",
			"agency:\n  name: x\npeople:\n  - id: a\n    name: b\n   email: c\n  - id: d\n",
			"a.yaml:6:4: people[0]: invalid YAML: indentation of 3 spaces matches no block above it"},
		{"top-level key indented by one",
			"agency:\n  name: x\n  timezone: y\n people:\n  - id: a\n",
			"a.yaml:4:2: agency: invalid YAML: indentation of 1 space matches no block above it"},
		{"deeper than a line with a value",
			"agency:\n  name: x\n   timezone: y\n",
			"a.yaml:3:4: agency: invalid YAML: indented deeper than line 2, which already holds a value"},
		{"key among list items",
			"clients:\n  - id: a\n  name: b\n",
			"a.yaml:3:3: clients: invalid YAML: a key at the indentation of the list items above it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("a.yaml", []byte(tc.doc))
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 1 || !strings.HasPrefix(ps[0].String(), tc.want) {
				t.Errorf("got %v\nwant %s…", err, tc.want)
			}
		})
	}
}

// TestIndentScanAcceptsTheExample: the scan finds nothing wrong in the
// commented example, which uses every construct agency.yaml allows.
func TestIndentScanAcceptsTheExample(t *testing.T) {
	for _, p := range []string{examplePath, "examples/faq.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if ip, ok := findIndentProblem(data); ok {
			t.Errorf("%s:%d:%d: %s: %s", p, ip.line, ip.col, ip.path, ip.msg)
		}
	}
}

// TestIndentationErrorDeepInTheExample moves one key of the example a
// space left, far from the start of its block, and expects that line.
func TestIndentationErrorDeepInTheExample(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	target := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "    language: ") && i > 200 {
			target = i
			break
		}
	}
	if target < 0 {
		t.Fatal("no client language line in the example")
	}
	lines[target] = lines[target][1:]
	_, err = Parse("agency.yaml", []byte(strings.Join(lines, "\n")), envOf(exampleEnv))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != target+1 || ps[0].Col != 4 {
		t.Errorf("got %v, want one problem at line %d column 4", err, target+1)
	}
}

func TestListIndentedTooLittleIsNotSilent(t *testing.T) {
	// The last person's vacation list one level too far left: yaml reads
	// vacations as empty and the item as a fifth person.
	doc := strings.Replace(baseConfig, "    slack_user_id: U0FIN00001\n",
		"    slack_user_id: U0FIN00001\n    vacations:\n  - {from: 2026-08-01, to: 2026-08-10}\n", 1)
	if doc == baseConfig {
		t.Fatal("edit did not apply")
	}
	_, err := Parse("a.yaml", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "a.yaml:38:5: people[3].vacations: is empty: the list on line 39 is indented less than this key") {
		t.Errorf("got %v", err)
	}
	// Followed by more keys, the same slip is a syntax error named at the
	// first of them, with the hint.
	doc = strings.Replace(baseConfig, "    vacations:\n      - {from: 2026-08-01, to: 2026-08-10}\n",
		"    vacations:\n  - {from: 2026-08-01, to: 2026-08-10}\n", 1)
	_, err = Parse("a.yaml", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "a.yaml:32:5: people: invalid YAML: indented deeper than line 31, which already holds a value; if line 31 belongs to the key on line 30, indent it under that key") {
		t.Errorf("got %v", err)
	}
	// An empty key at the end of an item, followed by the next item, is fine.
	ok := strings.Replace(baseConfig, "    slack_user_id: U0HEAD0001\n", "    slack_user_id: U0HEAD0001\n    vacations:\n", 1)
	if _, err := Parse("a.yaml", []byte(ok)); err != nil {
		t.Errorf("an empty key before the next item: %v", err)
	}
}

// TestSyntaxErrorNamesItsKey: a syntax error the indentation scan does not
// explain is still reported with a column and the key path around it.
func TestSyntaxErrorNamesItsKey(t *testing.T) {
	doc := strings.Replace(baseConfig, "    specialists: [seo]\n", "    specialists: [seo\n", 1)
	_, err := Parse("a.yaml", []byte(doc))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Path == "" || ps[0].Col == 0 || !strings.Contains(ps[0].Msg, "invalid YAML") {
		t.Fatalf("got %#v", err)
	}
	if !strings.HasPrefix(ps[0].Path, "clients[0]") {
		t.Errorf("path %q, want one inside clients[0]", ps[0].Path)
	}
}
