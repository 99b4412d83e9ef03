package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSecretNeverPrints(t *testing.T) {
	type holder struct {
		Token Secret `json:"token" yaml:"token"`
	}
	for _, tc := range []struct {
		name  string
		value Secret
		want  string
	}{
		{"set", "xoxb-VALUE", Redacted},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.value
			j, _ := json.Marshal(holder{s})
			y, _ := yaml.Marshal(holder{s})
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "token", s, "holder", holder{s})
			outputs := map[string]string{
				"String": s.String(),
				"%v":     fmt.Sprintf("%v", s),
				"%s":     fmt.Sprintf("%s", s),
				"%+v":    fmt.Sprintf("%+v", holder{s}),
				"%x":     fmt.Sprintf("%x", s),
				"%q":     fmt.Sprintf("%q", s),
				"%#v":    fmt.Sprintf("%#v", holder{s}),
				"json":   string(j),
				"yaml":   string(y),
				"slog":   logged.String(),
			}
			for name, out := range outputs {
				if strings.Contains(out, "VALUE") || strings.Contains(out, fmt.Sprintf("%x", "xoxb-VALUE")) {
					t.Errorf("%s leaks the value: %s", name, out)
				}
			}
			if outputs["String"] != tc.want || outputs["%v"] != tc.want {
				t.Errorf("String() = %q, %%v = %q, want %q", outputs["String"], outputs["%v"], tc.want)
			}
			if got := s.Reveal(); got != string(tc.value) {
				t.Errorf("Reveal() = %q", got)
			}
			if s.IsSet() != (tc.value != "") {
				t.Errorf("IsSet() = %v", s.IsSet())
			}
		})
	}
}

func TestSecretDecodesFromYAML(t *testing.T) {
	var h struct {
		Token Secret `yaml:"token"`
	}
	if err := yaml.Unmarshal([]byte("token: abc123\n"), &h); err != nil {
		t.Fatal(err)
	}
	if h.Token.Reveal() != "abc123" {
		t.Errorf("decoded %q", h.Token.Reveal())
	}
}
