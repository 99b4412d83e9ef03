package configs

import _ "embed"

// The schemas are generated from the Go types by TestSchemaGolden (run it
// with -update after changing a config type) and committed, so editors can
// use them and a stale one fails the tests.
var (
	//go:embed liaison.schema.json
	configSchema []byte
	//go:embed faq.schema.json
	faqSchema []byte
)

// Schema returns the JSON Schema (draft 2020-12) of agency.yaml.
func Schema() []byte { return append([]byte(nil), configSchema...) }

// FAQSchema returns the JSON Schema (draft 2020-12) of faq.yaml.
func FAQSchema() []byte { return append([]byte(nil), faqSchema...) }
