package postgres

import (
	"testing"

	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/storetest"
)

// The per-client workload findings of a store at the version before
// 0007_workload_findings_per_am.sql are closed quietly when it applies.
func TestWorkloadFindingsPerAMMigration(t *testing.T) {
	version := storetest.MigrationVersion(t, migrationFS, "0007_workload_findings_per_am.sql")
	schema := freshSchema(t)
	s := openSchema(t, schema)
	storetest.RunWorkloadPerAMUpgrade(t, s, func(t *testing.T, st store.Store) store.Store {
		// Back to the version before, with the seeded rows.
		if _, err := s.Pool().Exec(t.Context(), `DELETE FROM schema_migrations WHERE version >= $1`, version); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		again := openSchema(t, schema)
		var n int
		if err := again.Pool().QueryRow(t.Context(), `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil || n != 1 {
			t.Fatalf("migration %d recorded %d times (%v) after reopening", version, n, err)
		}
		return again
	})
}
