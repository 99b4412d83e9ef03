package configs

import _ "embed"

// exampleFAQ is the commented example answer base, shipped in the binary so
// that the sandbox and the demo can use it without the source tree.
//
//go:embed examples/faq.yaml
var exampleFAQ []byte

// ExampleFAQ returns configs/examples/faq.yaml.
func ExampleFAQ() []byte { return append([]byte(nil), exampleFAQ...) }
