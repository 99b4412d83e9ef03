package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"github.com/liaisonhq/liaison/clock"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// SchemaTooNewError refuses a database migrated by a newer binary: running
// old code on a newer schema could silently drop what the new columns mean.
type SchemaTooNewError struct {
	DB     int // version found in the database
	Binary int // newest version this binary knows
}

// Error explains the mismatch and what to do.
func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("database schema is at version %d but this binary knows up to %d; run a newer liaison (downgrades are not supported)",
		e.DB, e.Binary)
}

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded NNNN_name.sql files in version order.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, fmt.Errorf("reading embedded migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version and '_'", e.Name())
		}
		b, err := fs.ReadFile(fsys, "migrations/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("reading migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d (versions must be 1, 2, 3... without gaps)", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate brings the schema to the newest embedded version, one migration
// per transaction, so a crash leaves the database at a whole version.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger, clk clock.Clock) error {
	ms, err := loadMigrations(migrationFS)
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
		log.Info("applied store migration", "version", m.version, "name", m.name)
	}
	return nil
}

func applyOne(ctx context.Context, db *sql.DB, clk clock.Clock, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: beginning transaction: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback() }()
	// Another opener could have applied it between our read and BEGIN
	// IMMEDIATE; the insert below would then fail, so check under the lock.
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&done); err != nil {
		return fmt.Errorf("migration %s: checking version: %w", m.name, err)
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.version, clk.Now().UnixMilli()); err != nil {
		return fmt.Errorf("migration %s: recording version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: committing: %w", m.name, err)
	}
	return nil
}
