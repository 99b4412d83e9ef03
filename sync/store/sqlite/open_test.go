package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
)

func TestOpenCreatesPrivateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := Open(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("data dir mode = %o, want 700", perm)
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q (%v), want our pid", b, err)
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	// Hold several connections at once so the pool must open distinct ones.
	var conns []*sql.Conn
	for range 3 {
		c, err := s.DB().Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		for pragma, want := range map[string]string{
			"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "1",
		} {
			var got string
			if err := c.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("conn %d: %s = %s, want %s", i, pragma, got, want)
			}
		}
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(t.Context(), dir, Options{})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Dir != dir {
		t.Errorf("locked error = %#v, want dir %s and pid %d", le, dir, os.Getpid())
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, strconv.Itoa(os.Getpid())) {
		t.Errorf("message %q should name the dir and the holder's pid", msg)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want the first result (nil)", err)
	}
	s2, err := Open(t.Context(), dir, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		s, err := Open(t.Context(), dir, Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		if i == 0 {
			if err := s.PutCursor(t.Context(), store.Cursor{Source: "jira", Version: 1, Data: []byte("{}")}); err != nil {
				t.Fatal(err)
			}
		}
		var versions, maxV int
		if err := s.DB().QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&versions, &maxV); err != nil {
			t.Fatal(err)
		}
		migs, err := store.LoadMigrations(migrationFS)
		if err != nil {
			t.Fatal(err)
		}
		if versions != len(migs) || maxV != len(migs) {
			t.Errorf("open #%d: %d migrations recorded up to %d, want %d", i, versions, maxV, len(migs))
		}
		if _, err := s.GetCursor(t.Context(), "jira"); err != nil {
			t.Errorf("open #%d: cursor lost: %v", i, err)
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err = Open(t.Context(), dir, Options{})
	var tooNew *SchemaTooNewError
	if !errors.As(err, &tooNew) || tooNew.DB != 999 {
		t.Fatalf("Open error = %v, want SchemaTooNewError at 999", err)
	}
	if !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "newer") {
		t.Errorf("message %q should say the schema is newer", err)
	}
	// A refused Open must not leave the directory locked.
	_, err = Open(t.Context(), dir, Options{})
	if errors.Is(err, store.ErrLocked) {
		t.Errorf("failed Open kept the lock: %v", err)
	}
}

func TestMigrationFailureRollsBack(t *testing.T) {
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms := []migration{
		{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x INTEGER);"},
		{Version: 2, Name: "0002_b.sql", SQL: "CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);"},
	}
	err = applyMigrations(t.Context(), db, discard(), clock.Real{}, ms)
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("error = %v, want one naming 0002_b.sql", err)
	}
	var v int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != 1 {
		t.Errorf("version = %d (%v), want 1", v, err)
	}
	if _, err := db.Exec(`SELECT * FROM b`); err == nil {
		t.Error("table b survived its failed migration")
	}
	// Fixed, it applies; and applying again changes nothing.
	ms[1].SQL = "CREATE TABLE b (x INTEGER);"
	for range 2 {
		if err := applyMigrations(t.Context(), db, discard(), clock.Real{}, ms); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadMigrationsRejectsGapsAndBadNames(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"bad name": {"migrations/init.sql": {}},
	}
	for name, fsys := range tests {
		if _, err := store.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ms, err := store.LoadMigrations(fstest.MapFS{"migrations/0002_b.sql": {}, "migrations/0001_a.sql": {}})
	if err != nil || len(ms) != 2 || ms[0].Name != "0001_a.sql" {
		t.Errorf("ordered load = %+v, %v", ms, err)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// crashEnv makes the test binary act as a daemon that dies mid-transaction.
const crashEnv = "LIAISON_STORE_CRASH_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	os.Exit(m.Run())
}

func crashChild(dir string) int {
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		fmt.Println("error:", err)
		return 2
	}
	if err := s.PutCursor(ctx, store.Cursor{Source: "committed", Version: 1, Data: []byte("{}")}); err != nil {
		fmt.Println("error:", err)
		return 2
	}
	_ = s.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.PutCursor(ctx, store.Cursor{Source: "uncommitted", Version: 1, Data: []byte("{}")}); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Println("ready")
		select {} // killed here, inside the transaction
	})
	return 2
}

func TestCrashInsideTxLeavesNothingAndFreesLock(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		t.Fatalf("child said %q (%v)", line, err)
	}

	_, err = Open(t.Context(), dir, Options{})
	var le *LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Fatalf("Open while the child runs = %v, want LockedError naming pid %d", err, cmd.Process.Pid)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err := Open(t.Context(), dir, Options{})
	if err != nil {
		t.Fatalf("Open after the crash: %v", err)
	}
	defer s.Close()
	if _, err := s.GetCursor(t.Context(), "committed"); err != nil {
		t.Errorf("committed write lost: %v", err)
	}
	if _, err := s.GetCursor(t.Context(), "uncommitted"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("write from the crashed transaction: %v, want ErrNotFound", err)
	}
}
