package configs

import (
	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/configs/field"
)

// checkControl refuses control characters (NUL, escape, C1 codes) in keys
// and values: nothing in an agency's names and texts needs them, and they
// corrupt logs, Slack messages and spreadsheets. Tabs and line breaks pass.
// The value is not quoted: it may be a secret.
func (d *document) checkControl(n *yaml.Node, path string) {
	bad := func(s string) (rune, int, bool) {
		for i, r := range []rune(s) {
			if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f) {
				return r, i + 1, true
			}
		}
		return 0, 0, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if r, at, ok := bad(k.Value); ok {
				d.add(k, path, "a key contains the control character U+%04X at character %d; remove it", r, at)
				continue
			}
			d.checkControl(n.Content[i+1], field.Join(path, k.Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.checkControl(c, field.Index(path, i))
		}
	case yaml.ScalarNode:
		if r, at, ok := bad(n.Value); ok {
			d.add(n, path, "contains the control character U+%04X at character %d; remove it", r, at)
		}
	}
}
