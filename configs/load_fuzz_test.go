package configs

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// FuzzLoad loads arbitrary bytes as agency.yaml, with the example faq.yaml
// beside it and the example environment: the loader must never panic, and
// must answer with a config or with problems that each say something.
func FuzzLoad(f *testing.F) {
	example, err := os.ReadFile(examplePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte("agency:\n  name: [unclosed\n"))
	f.Add([]byte("agency:\n  name: x\n  unknown_key: 1\n"))
	f.Add([]byte("people:\n  - id: a\n    timezone: Mars/Olympus\n    hours: {mon: \"25:00-09:00\"}\n"))
	f.Add([]byte("clients:\n  - &a {id: c}\n  - *a\n"))
	faq := ExampleFAQ()
	read := func(p string) ([]byte, error) {
		switch {
		case p == "agency.yaml":
			return nil, errors.New("set by the test") // replaced below
		case strings.HasSuffix(p, "faq.yaml"):
			return faq, nil
		}
		return nil, fs.ErrNotExist
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Load("agency.yaml", envOf(exampleEnv), WithReadFile(func(p string) ([]byte, error) {
			if p == "agency.yaml" {
				return data, nil
			}
			return read(p)
		}))
		if err != nil {
			if cfg != nil {
				t.Fatal("a config and an error together")
			}
			var ps Problems
			if errors.As(err, &ps) {
				for _, p := range ps {
					if strings.TrimSpace(p.Msg) == "" {
						t.Fatalf("an empty problem for %q", data)
					}
				}
			}
			return
		}
		if cfg == nil {
			t.Fatal("neither a config nor an error")
		}
	})
}
