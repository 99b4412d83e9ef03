// Package transfer moves an installation's state between the SQLite and
// PostgreSQL stores (`liaison migrate-store`), table by table, converting
// between SQLite's encodings (instants as unix milliseconds, flags as 0/1,
// JSON and lists as text) and PostgreSQL's types (TIMESTAMPTZ, BOOLEAN, JSONB).
//
// Both stores must be open, and so migrated to the schema this binary
// knows; the target must be empty. The job engine's tables are not moved:
// queued runs are transient and the schedules start again on the first run.
package transfer

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Table is what was moved for one table.
type Table struct {
	Name string
	Rows int
}

// NotEmptyError refuses to fill a store that already holds state: merging
// two installations is not something a copy can do safely.
type NotEmptyError struct {
	Table string
	Rows  int
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("the target store is not empty (table %s has %d rows); migrate-store only fills a new store", e.Table, e.Rows)
}

// column is a store column as PostgreSQL types it.
type column struct {
	name     string
	pgType   string // information_schema data_type
	identity bool
}

type table struct {
	name string
	cols []column
}

// layout reads the store's tables and columns from PostgreSQL, the typed
// side, and checks that SQLite has the same tables and columns.
func layout(ctx context.Context, pg *pgxpool.Pool, lite *sql.DB) ([]table, error) {
	rows, err := pg.Query(ctx, `SELECT table_name, column_name, data_type, is_identity = 'YES'
		FROM information_schema.columns WHERE table_schema = current_schema()
		AND table_name <> 'schema_migrations' AND table_name NOT LIKE 'river%'
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("reading the PostgreSQL store's columns: %w", err)
	}
	var tables []table
	for rows.Next() {
		var tname string
		var c column
		if err := rows.Scan(&tname, &c.name, &c.pgType, &c.identity); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the PostgreSQL store's columns: %w", err)
		}
		if len(tables) == 0 || tables[len(tables)-1].name != tname {
			tables = append(tables, table{name: tname})
		}
		tables[len(tables)-1].cols = append(tables[len(tables)-1].cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the PostgreSQL store's columns: %w", err)
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("the PostgreSQL store has no tables")
	}
	liteTables, err := sqliteTables(ctx, lite)
	if err != nil {
		return nil, err
	}
	var pgNames []string
	for _, t := range tables {
		pgNames = append(pgNames, t.name)
		cols, ok := liteTables[t.name]
		if !ok {
			return nil, fmt.Errorf("table %s is in the PostgreSQL store but not in the SQLite one: are both at the same version?", t.name)
		}
		var want []string
		for _, c := range t.cols {
			want = append(want, c.name)
		}
		slices.Sort(want)
		slices.Sort(cols)
		if !slices.Equal(want, cols) {
			return nil, fmt.Errorf("table %s has columns %v in PostgreSQL but %v in SQLite", t.name, want, cols)
		}
	}
	for name := range liteTables {
		if !slices.Contains(pgNames, name) {
			return nil, fmt.Errorf("table %s is in the SQLite store but not in the PostgreSQL one: are both at the same version?", name)
		}
	}
	return tables, nil
}

func sqliteTables(ctx context.Context, db *sql.DB) (map[string][]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name <> 'schema_migrations' AND m.name NOT LIKE 'river%' AND m.name NOT LIKE 'sqlite%'`)
	if err != nil {
		return nil, fmt.Errorf("reading the SQLite store's columns: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, fmt.Errorf("reading the SQLite store's columns: %w", err)
		}
		if sqliteOnly(t, c) {
			continue
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}

// sqliteOnly names the SQLite store's own bookkeeping, which PostgreSQL
// has no counterpart for and a move leaves behind: the task write stamps
// that let one process keep a copy of the open tasks in memory. SQLite's
// triggers stamp the rows a move writes into it.
func sqliteOnly(table, column string) bool {
	return table == "change_seqs" || table == "tasks" && column == "change_seq"
}

func quoted(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = `"` + c.name + `"`
	}
	return strings.Join(names, ", ")
}

// SQLiteToPostgres copies every store table from lite into the empty store
// on pg, in one PostgreSQL transaction: on any error nothing is written.
func SQLiteToPostgres(ctx context.Context, lite *sql.DB, pg *pgxpool.Pool) ([]Table, error) {
	tables, err := layout(ctx, pg, lite)
	if err != nil {
		return nil, err
	}
	tx, err := pg.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("beginning the PostgreSQL transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var out []Table
	for _, t := range tables {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM "`+t.name+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("counting %s in the target: %w", t.name, err)
		}
		if n > 0 {
			return nil, &NotEmptyError{Table: t.name, Rows: n}
		}
		rows, err := readSQLite(ctx, lite, t)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(t.cols))
		for i, c := range t.cols {
			names[i] = c.name
		}
		// COPY writes identity columns' values as given, like INSERT ...
		// OVERRIDING SYSTEM VALUE; their sequences are moved past them below.
		copied, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, names, pgx.CopyFromRows(rows))
		if err != nil {
			return nil, fmt.Errorf("copying %s into PostgreSQL: %w", t.name, err)
		}
		for _, c := range t.cols {
			if !c.identity {
				continue
			}
			if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(MAX("%s"), 0) + 1, false) FROM "%s"`,
				t.name, c.name, c.name, t.name)); err != nil {
				return nil, fmt.Errorf("moving %s.%s's sequence past the copied rows: %w", t.name, c.name, err)
			}
		}
		out = append(out, Table{Name: t.name, Rows: int(copied)})
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("committing the PostgreSQL transaction: %w", err)
	}
	return out, nil
}

// readSQLite reads a table from SQLite as PostgreSQL values.
func readSQLite(ctx context.Context, db *sql.DB, t table) ([][]any, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+quoted(t.cols)+` FROM "`+t.name+`"`)
	if err != nil {
		return nil, fmt.Errorf("reading %s from SQLite: %w", t.name, err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(t.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("reading %s from SQLite: %w", t.name, err)
		}
		for i, c := range t.cols {
			v, err := toPostgres(vals[i], c.pgType)
			if err != nil {
				return nil, fmt.Errorf("reading %s.%s from SQLite: %w", t.name, c.name, err)
			}
			vals[i] = v
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading %s from SQLite: %w", t.name, err)
	}
	return out, nil
}

func toPostgres(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "timestamp with time zone":
		ms, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("instant %v (%T) is not unix milliseconds", v, v)
		}
		return time.UnixMilli(ms).UTC(), nil
	case "boolean":
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("flag %v (%T) is not 0 or 1", v, v)
		}
		return n != 0, nil
	case "text", "json", "jsonb":
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
		return v, nil
	case "ARRAY":
		// Text arrays (task labels) are JSON arrays in SQLite.
		raw, ok := v.(string)
		if b, isBytes := v.([]byte); isBytes {
			raw, ok = string(b), true
		}
		var list []string
		if !ok || json.Unmarshal([]byte(raw), &list) != nil {
			return nil, fmt.Errorf("list %v is not a JSON array of strings", v)
		}
		if list == nil {
			list = []string{}
		}
		return list, nil
	case "bytea":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
		return v, nil
	}
	return v, nil
}

// PostgresToSQLite copies every store table from pg into the empty SQLite
// store lite, in one SQLite transaction: on any error nothing is written.
func PostgresToSQLite(ctx context.Context, pg *pgxpool.Pool, lite *sql.DB) ([]Table, error) {
	tables, err := layout(ctx, pg, lite)
	if err != nil {
		return nil, err
	}
	tx, err := lite.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("beginning the SQLite transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var out []Table
	for _, t := range tables {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "`+t.name+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("counting %s in the target: %w", t.name, err)
		}
		if n > 0 {
			return nil, &NotEmptyError{Table: t.name, Rows: n}
		}
		copied, err := copyToSQLite(ctx, pg, tx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, Table{Name: t.name, Rows: copied})
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing the SQLite transaction: %w", err)
	}
	return out, nil
}

func copyToSQLite(ctx context.Context, pg *pgxpool.Pool, tx *sql.Tx, t table) (int, error) {
	sel := make([]string, len(t.cols))
	for i, c := range t.cols {
		sel[i] = `"` + c.name + `"`
		if c.pgType == "json" || c.pgType == "jsonb" {
			sel[i] += "::text"
		}
	}
	rows, err := pg.Query(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM "`+t.name+`"`)
	if err != nil {
		return 0, fmt.Errorf("reading %s from PostgreSQL: %w", t.name, err)
	}
	defer rows.Close()
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ")
	ins, err := tx.PrepareContext(ctx, `INSERT INTO "`+t.name+`" (`+quoted(t.cols)+`) VALUES (`+marks+`)`)
	if err != nil {
		return 0, fmt.Errorf("preparing %s's insert into SQLite: %w", t.name, err)
	}
	defer ins.Close()
	n := 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return 0, fmt.Errorf("reading %s from PostgreSQL: %w", t.name, err)
		}
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				vals[i] = x.UnixMilli()
			case bool:
				vals[i] = 0
				if x {
					vals[i] = 1
				}
			case int32:
				vals[i] = int64(x)
			case []any:
				b, err := json.Marshal(x)
				if err != nil {
					return 0, fmt.Errorf("encoding a list of %s: %w", t.name, err)
				}
				vals[i] = string(b)
			}
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return 0, fmt.Errorf("writing %s into SQLite: %w", t.name, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reading %s from PostgreSQL: %w", t.name, err)
	}
	return n, nil
}
