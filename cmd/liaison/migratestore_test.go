package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// testPostgresSchema returns LIAISON_TEST_POSTGRES_URL pointed at a new
// schema that is dropped after the test, or skips without PostgreSQL.
func testPostgresSchema(t *testing.T, name string) string {
	t.Helper()
	url := os.Getenv("LIAISON_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("set LIAISON_TEST_POSTGRES_URL to run against PostgreSQL")
	}
	schema := fmt.Sprintf("liaison_%s_%d", name, time.Now().UnixNano())
	t.Cleanup(func() {
		admin, err := pgxpool.New(context.Background(), url)
		if err == nil {
			_, _ = admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			admin.Close()
		}
	})
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

// withPostgresStore writes a copy of the config at cfg whose store is the
// PostgreSQL database at dsn.
func withPostgresStore(t *testing.T, cfg, dsn string) string {
	t.Helper()
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^store:\n(\s+.*\n)+`)
	if !re.Match(data) {
		t.Fatalf("no store block in %s:\n%s", cfg, data)
	}
	dsnFile := filepath.Join(filepath.Dir(cfg), "postgres.dsn")
	if err := os.WriteFile(dsnFile, []byte(dsn), 0o600); err != nil {
		t.Fatal(err)
	}
	out := re.ReplaceAll(data, []byte("store:\n  driver: postgres\n  dsn_file: "+dsnFile+"\n"))
	// Next to the original: the config names other files relative to it.
	path := filepath.Join(filepath.Dir(cfg), "postgres.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMigrateStoreBothWays moves a real installation from SQLite to
// PostgreSQL and back: after each move, the daemon's next cycle on the new
// store finds everything already delivered and posts nothing again.
//
//	LIAISON_TEST_POSTGRES_URL=postgres://… go test -run TestMigrateStoreBothWays -v ./cmd/liaison/
func TestMigrateStoreBothWays(t *testing.T) {
	dsn := testPostgresSchema(t, "migrate")
	dir := t.TempDir()
	base, cfg := startSandbox(t, dir)
	state := filepath.Join(dir, "state")
	if out, code := runBin(t, nil, "sync", "--once", "-config", cfg); code != 0 {
		t.Fatalf("sync --once on SQLite exited %d:\n%s", code, out)
	}
	posted := len(botMessages(t, base))
	if posted == 0 {
		t.Fatal("the first cycle posted nothing: nothing to prove")
	}

	out, code := runBin(t, nil, "migrate-store", "-from", "sqlite:"+state, "-to", dsn)
	if code != 0 {
		t.Fatalf("migrate-store to PostgreSQL exited %d:\n%s", code, out)
	}
	for _, want := range []string{"tasks", "deliveries", "findings", "copied"} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate-store output lacks %q:\n%s", want, out)
		}
	}
	toPG := out

	pgCfg := withPostgresStore(t, cfg, dsn)
	if out, code := runBin(t, nil, "sync", "--once", "-config", pgCfg); code != 0 {
		t.Fatalf("sync --once on the migrated PostgreSQL store exited %d:\n%s", code, out)
	}
	if n := len(botMessages(t, base)); n != posted {
		t.Fatalf("the cycle on PostgreSQL changed the bot's messages from %d to %d: state was lost in the move", posted, n)
	}

	// Into a store that holds state: refused, nothing written.
	out, code = runBin(t, nil, "migrate-store", "-from", dsn, "-to", "sqlite:"+state)
	if code != exitFailed || !strings.Contains(out, "not empty") || !strings.Contains(out, "nothing was written") {
		t.Errorf("migrate-store into a non-empty store: exit %d:\n%s", code, out)
	}

	back := filepath.Join(t.TempDir(), "state")
	out, code = runBin(t, nil, "migrate-store", "-from", dsn, "-to", "sqlite:"+back)
	if code != 0 {
		t.Fatalf("migrate-store back to SQLite exited %d:\n%s", code, out)
	}
	if rows := func(s string) string { return s[strings.LastIndex(s, "copied "):][:20] }; rows(out) != rows(toPG) {
		t.Errorf("moved back %q, moved there %q", rows(out), rows(toPG))
	}
	if out, code := runBin(t, nil, "sync", "--once", "-config", cfg, "-data-dir", back); code != 0 {
		t.Fatalf("sync --once on the SQLite store moved back exited %d:\n%s", code, out)
	}
	if n := len(botMessages(t, base)); n != posted {
		t.Fatalf("the cycle on the store moved back changed the bot's messages from %d to %d", posted, n)
	}
}

func TestMigrateStoreUsage(t *testing.T) {
	for _, args := range [][]string{
		{"migrate-store"},
		{"migrate-store", "-from", "sqlite:/x", "-to", "sqlite:/y"},
		{"migrate-store", "-from", "mysql://x", "-to", "sqlite:/y"},
		{"migrate-store", "-from", "postgres://a:hunter2@h/db", "-to", "postgres://b@h/db"},
	} {
		out, code := runBin(t, nil, args...)
		if code != exitUsage || !strings.Contains(out, "migrate-store") {
			t.Errorf("%v: exit %d:\n%s", args, code, out)
		}
		if strings.Contains(out, "hunter2") {
			t.Errorf("%v: the password is in the output:\n%s", args, out)
		}
	}
}
