package sandbox

import _ "embed"

// sampleYAML is the built-in sample agency, also the example in
// docs/SANDBOX.md.
//
//go:embed sample.yaml
var sampleYAML []byte
