package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Advisory lock classes (the first key of the two-key form, which PostgreSQL
// keeps apart from River's one-key locks). The second key hashes what is
// locked: the schema being migrated, the metric window being replaced, the
// schema whose notifications are flushed.
const (
	lockClassMigrate int32 = 0x4c49_4d01 // "LIM" + 1
	lockClassMetrics int32 = 0x4c49_4d02
	lockClassFlush   int32 = 0x4c49_4d03
)

// SchemaTooNewError refuses a database migrated by a newer binary.
type SchemaTooNewError = store.SchemaTooNewError

type migration = store.Migration

// migrate brings the schema to the newest embedded version.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, log *slog.Logger, clk clock.Clock) error {
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil {
		return err
	}
	return applyMigrations(ctx, pool, schema, log, clk, ms)
}

// applyMigrations applies one migration per transaction, so a crash leaves
// the database at a whole version. Each transaction first takes an advisory
// lock on the schema and reads the version under it: replicas starting at
// once queue on the lock, and the ones that get it after the first find
// nothing left to do. Creating the schema and the version table happens
// under the same lock, because concurrent CREATE ... IF NOT EXISTS can still
// collide in PostgreSQL's catalogs.
func applyMigrations(ctx context.Context, pool *pgxpool.Pool, schema string, log *slog.Logger, clk clock.Clock, ms []migration) error {
	latest := len(ms)
	for {
		applied, err := applyNext(ctx, pool, schema, clk, ms)
		if err != nil {
			return err
		}
		if applied == nil {
			return nil
		}
		log.Info("applied store migration", "version", applied.Version, "name", applied.Name, "schema", schema, "latest", latest)
	}
}

// applyNext applies the first pending migration and returns it, or nil when
// the schema is up to date.
func applyNext(ctx context.Context, pool *pgxpool.Pool, schema string, clk clock.Clock, ms []migration) (*migration, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("beginning migration transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockClassMigrate, schema); err != nil {
		return nil, fmt.Errorf("taking the migration lock: %w", err)
	}
	if err := ensureSchema(ctx, tx, schema); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}
	var current int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return nil, fmt.Errorf("reading schema version: %w", err)
	}
	if current > len(ms) {
		return nil, &SchemaTooNewError{DB: current, Binary: len(ms)}
	}
	if current == len(ms) {
		return nil, commit(ctx, tx)
	}
	m := ms[current]
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		m.Version, ts(clk.Now())); err != nil {
		return nil, fmt.Errorf("migration %s: recording version: %w", m.Name, err)
	}
	if err := commit(ctx, tx); err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	return &m, nil
}

// ensureSchema creates the schema when it is missing. It checks first
// because CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the
// database even when the schema exists, which a least-privilege role
// working in "public" lacks.
func ensureSchema(ctx context.Context, tx pgx.Tx, schema string) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
		return fmt.Errorf("looking up schema %s: %w", schema, err)
	}
	if exists {
		return nil
	}
	if _, err := tx.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("creating schema %s: %w", schema, err)
	}
	return nil
}

func commit(ctx context.Context, tx pgx.Tx) error {
	if err := tx.Commit(ctx); err != nil {
		if errors.Is(err, pgx.ErrTxCommitRollback) {
			return fmt.Errorf("committing: transaction was rolled back: %w", err)
		}
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}
