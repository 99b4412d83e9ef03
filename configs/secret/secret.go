// Package secret holds the string type that Liaison uses for every credential
// in its configuration, so that tokens cannot reach logs, error texts or a
// dumped config by accident: every way of printing or marshalling a Secret
// gives "<redacted>", and only an explicit Reveal gives the value.
package secret

import (
	"fmt"
	"io"
	"log/slog"
)

// Redacted is what a non-empty Secret prints as.
const Redacted = "<redacted>"

// Secret is a credential read from the configuration. The zero value is "not
// set" and prints as the empty string, so that a dump still shows which
// secrets are missing.
type Secret string

// Reveal returns the secret's value. Call it only where the value is sent to
// the service it belongs to.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) redacted() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// String returns "<redacted>", or "" when the secret is empty.
func (s Secret) String() string { return s.redacted() }

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("secret.Secret(%q)", s.redacted()) }

// Format makes every fmt verb (%v, %+v, %s, %q, %x, %d...) print the redacted
// form, because fmt would otherwise print the underlying string for verbs
// such as %x that bypass String.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		_, _ = fmt.Fprintf(f, "%q", s.redacted())
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, s.GoString())
			return
		}
		_, _ = io.WriteString(f, s.redacted())
	default:
		_, _ = io.WriteString(f, s.redacted())
	}
}

// LogValue keeps slog handlers from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.redacted()) }

// MarshalJSON encodes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", s.redacted())), nil }

// MarshalText encodes the redacted form, for encoders that use TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.redacted()), nil }

// MarshalYAML encodes the redacted form.
func (s Secret) MarshalYAML() (any, error) { return s.redacted(), nil }
