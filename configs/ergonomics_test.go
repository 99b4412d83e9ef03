package configs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDidYouMean: typos in keys, time zones and person ids name the
// nearest valid one.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"key", "    email: am@agency.example\n", "    emial: am@agency.example\n", `people[1].emial: unknown key "emial" (did you mean "email"?)`},
		{"time zone", "timezone: America/New_York", "timezone: America/New_Yrok", `clients[0].timezone: unknown time zone "America/New_Yrok" (did you mean "America/New_York"?)`},
		{"person id", "    account_manager: am\n", "    account_manager: ma\n", `clients[0].account_manager: no person with id "ma" (did you mean "am"?)`},
		{"specialist id", "    specialists: [seo]\n", "    specialists: [sseo]\n", `clients[0].specialists[0]: no person with id "sseo" (did you mean "seo"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(baseConfig, tc.from, tc.to, 1)
			if doc == baseConfig {
				t.Fatal("edit did not apply")
			}
			_, err := Parse("a.yaml", []byte(doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestControlCharactersRefused: a NUL or escape in a name or text is an
// error at its key, and the value is not echoed.
func TestControlCharactersRefused(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"name: Acme\n", "name: \"Ac\\0me\"\n", "clients[0].name: contains the control character U+0000 at character 3; remove it"},
		{"name: Sofia Seo\n", "name: \"Sofia\\eSeo\"\n", "people[2].name: contains the control character U+001B at character 6"},
	} {
		doc := strings.Replace(baseConfig, tc.from, tc.to, 1)
		_, err := Parse("a.yaml", []byte(doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v\nwant %s", tc.to, err, tc.want)
		}
	}
}

// TestOversizedConfigRefusedBeforeReading: a file over MaxFileSize is
// refused from its size, not parsed.
func TestOversizedConfigRefusedBeforeReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agency.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(path)
	var ps Problems
	if err == nil || errors.As(err, &ps) || !strings.Contains(err.Error(), "more than the 16 MiB a config may be") {
		t.Errorf("got %v", err)
	}
}

// TestDataDirRelativeToConfig: store.data_dir, like faq: and *_file, is
// read from the config file's directory.
func TestDataDirRelativeToConfig(t *testing.T) {
	dir := t.TempDir()
	doc := baseConfig + "store:\n  data_dir: state\n"
	path := filepath.Join(dir, "agency.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "state"); cfg.Store.DataDir != want {
		t.Errorf("data_dir = %q, want %q", cfg.Store.DataDir, want)
	}
	abs := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(path, []byte(baseConfig+"store:\n  data_dir: "+abs+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if cfg, err = Load(path); err != nil || cfg.Store.DataDir != abs {
		t.Errorf("absolute data_dir = %q, %v", cfg.Store.DataDir, err)
	}
}
