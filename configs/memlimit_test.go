package configs

import (
	"strings"
	"testing"
)

func TestParseMemoryLimit(t *testing.T) {
	for in, want := range map[string]int64{"250MiB": 250 << 20, "1GiB": 1 << 30, "300MB": 300e6, " 128 MiB ": 128 << 20,
		"off": 0, "": 0, "0": 0} {
		if got, err := ParseMemoryLimit(in); err != nil || got != want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"250", "lots", "-1GiB", "10MiB", "1.5TB"} {
		if n, err := ParseMemoryLimit(in); err == nil {
			t.Errorf("ParseMemoryLimit(%q) = %d, want an error", in, n)
		}
	}
}

func TestMemoryLimitDefaultsAndIsValidated(t *testing.T) {
	const base = "agency: {name: A, timezone: Europe/Kyiv}\n"
	cfg, err := Parse("a.yaml", []byte(base), WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.MemoryLimit != DefaultMemoryLimit {
		t.Errorf("server.memory_limit %q by default, want %q", cfg.Server.MemoryLimit, DefaultMemoryLimit)
	}
	_, err = Parse("a.yaml", []byte(base+"server: {memory_limit: 10MiB}\n"), WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err == nil || !strings.Contains(err.Error(), "server.memory_limit") {
		t.Fatalf("memory_limit 10MiB: %v; want a problem at server.memory_limit", err)
	}
}
