package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// SchemaTooNewError refuses a database migrated by a newer binary.
type SchemaTooNewError = store.SchemaTooNewError

type migration = store.Migration

// migrate brings the schema to the newest embedded version, one migration
// per transaction, so a crash leaves the database at a whole version.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger, clk clock.Clock) error {
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil {
		return err
	}
	return applyMigrations(ctx, db, log, clk, ms)
}

func applyMigrations(ctx context.Context, db *sql.DB, log *slog.Logger, clk clock.Clock, ms []migration) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	var current int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	latest := len(ms)
	if current > latest {
		return &SchemaTooNewError{DB: current, Binary: latest}
	}
	for _, m := range ms[current:] {
		if err := applyOne(ctx, db, clk, m); err != nil {
			return err
		}
		log.Info("applied store migration", "version", m.Version, "name", m.Name)
	}
	return nil
}

func applyOne(ctx context.Context, db *sql.DB, clk clock.Clock, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: beginning transaction: %w", m.Name, err)
	}
	defer func() { _ = tx.Rollback() }()
	// Another opener could have applied it between our read and BEGIN
	// IMMEDIATE; the insert below would then fail, so check under the lock.
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&done); err != nil {
		return fmt.Errorf("migration %s: checking version: %w", m.Name, err)
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.Version, clk.Now().UnixMilli()); err != nil {
		return fmt.Errorf("migration %s: recording version: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: committing: %w", m.Name, err)
	}
	return nil
}
