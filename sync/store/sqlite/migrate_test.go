package sqlite

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/storetest"
)

// The per-client workload findings of a store at the version before
// 0009_workload_findings_per_am.sql are closed quietly when it applies.
func TestWorkloadFindingsPerAMMigration(t *testing.T) {
	version := storetest.MigrationVersion(t, migrationFS, "0009_workload_findings_per_am.sql")
	dir := t.TempDir()
	opts := Options{Clock: clock.NewFake(time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC))}
	s, err := Open(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunWorkloadPerAMUpgrade(t, s, func(t *testing.T, st store.Store) store.Store {
		// Back to the version before, with the seeded rows.
		if _, err := s.DB().ExecContext(t.Context(), `DELETE FROM schema_migrations WHERE version >= ?`, version); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := Open(t.Context(), dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = again.Close() })
		var n int
		if err := again.DB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n != 1 {
			t.Fatalf("migration %d recorded %d times (%v) after reopening", version, n, err)
		}
		return again
	})
}
