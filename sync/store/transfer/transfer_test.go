package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liaisonhq/liaison/sync/store/postgres"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// postgresEnv names a throwaway database; the test uses its own schema.
const postgresEnv = "LIAISON_TEST_POSTGRES_URL"

func openPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	url := os.Getenv(postgresEnv)
	if url == "" {
		t.Skipf("set %s to run against PostgreSQL", postgresEnv)
	}
	ctx := context.Background()
	schema := fmt.Sprintf("liaison_transfer_test_%d", time.Now().UnixNano())
	st, err := postgres.Open(ctx, url, postgres.Options{Schema: schema})
	if err != nil {
		t.Fatalf("opening PostgreSQL store: %v", err)
	}
	t.Cleanup(func() {
		_ = st.Close()
		admin, err := pgxpool.New(context.Background(), url)
		if err == nil {
			_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}
	})
	return st
}

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("opening SQLite store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// fill writes two rows into every store table of db, made from the
// columns' declared types and PostgreSQL's (for the JSON and flag columns):
// one with every column set, one with every nullable column NULL.
func fill(t *testing.T, db *sql.DB, tables []table) {
	t.Helper()
	ctx := context.Background()
	for _, tb := range tables {
		rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, tb.name)
		if err != nil {
			t.Fatal(err)
		}
		type info struct {
			typ     string
			notnull bool
			pk      bool
		}
		infos := map[string]info{}
		for rows.Next() {
			var name, typ string
			var nn, pk int
			if err := rows.Scan(&name, &typ, &nn, &pk); err != nil {
				t.Fatal(err)
			}
			infos[name] = info{typ, nn == 1, pk > 0}
		}
		rows.Close()
		for i := range 2 {
			vals := make([]any, len(tb.cols))
			for j, c := range tb.cols {
				in := infos[c.name]
				switch {
				case i == 1 && !in.notnull && !in.pk:
					vals[j] = nil
				case c.pgType == "json" || c.pgType == "jsonb":
					vals[j] = fmt.Sprintf(`{"row": %d, "text": "Ünïcode ✓"}`, i)
				case c.pgType == "ARRAY":
					vals[j] = fmt.Sprintf(`["label-%d","ярлик ✓"]`, i)
				case c.pgType == "boolean":
					vals[j] = int64(1 - i)
				case c.pgType == "timestamp with time zone":
					vals[j] = int64(1764633600123 + i*1000)
				case c.pgType == "bytea":
					vals[j] = []byte{0, 1, byte(i), 255}
				case c.pgType == "double precision" || c.pgType == "real" || c.pgType == "numeric":
					vals[j] = 12.5 + float64(i)
				case strings.Contains(c.pgType, "int"):
					vals[j] = int64(40 + i)
				default:
					vals[j] = fmt.Sprintf("%s-%s-%d ✓", tb.name, c.name, i)
				}
			}
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
			if _, err := db.ExecContext(ctx, `INSERT INTO "`+tb.name+`" (`+quoted(tb.cols)+`) VALUES (`+marks+`)`, vals...); err != nil {
				t.Fatalf("filling %s: %v", tb.name, err)
			}
		}
	}
}

// dump reads every store table of a SQLite store, rows sorted.
func dump(t *testing.T, db *sql.DB, tables []table) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := db.Query(`SELECT ` + quoted(tb.cols) + ` FROM "` + tb.name + `" ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(tb.cols))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[tb.name] = append(out[tb.name], fmt.Sprintf("%#v", vals))
		}
		rows.Close()
	}
	return out
}

// TestRoundTrip moves a SQLite store to PostgreSQL and back into a second
// SQLite store: every row of every table comes back the same.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	pg := openPostgres(t)
	a, b := openSQLite(t), openSQLite(t)
	tables, err := layout(ctx, pg.Pool(), a.DB())
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	fill(t, a.DB(), tables)
	want := dump(t, a.DB(), tables)

	moved, err := SQLiteToPostgres(ctx, a.DB(), pg.Pool())
	if err != nil {
		t.Fatalf("SQLiteToPostgres: %v", err)
	}
	if len(moved) != len(tables) {
		t.Fatalf("moved %d tables, want %d", len(moved), len(tables))
	}
	for _, m := range moved {
		if m.Rows != 2 {
			t.Errorf("table %s: %d rows moved to PostgreSQL, want 2", m.Name, m.Rows)
		}
	}
	// Identity columns continue after the copied rows (ids 40 and 41).
	var id int64
	if err := pg.Pool().QueryRow(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES (now(), 'x', 'y', 'z') RETURNING id`).Scan(&id); err != nil || id != 42 {
		t.Fatalf("audit row inserted after the copy got id %d (%v), want 42", id, err)
	}
	if _, err := pg.Pool().Exec(ctx, `DELETE FROM audit WHERE id = 42`); err != nil {
		t.Fatal(err)
	}

	back, err := PostgresToSQLite(ctx, pg.Pool(), b.DB())
	if err != nil {
		t.Fatalf("PostgresToSQLite: %v", err)
	}
	if len(back) != len(tables) {
		t.Fatalf("moved back %d tables, want %d", len(back), len(tables))
	}
	got := dump(t, b.DB(), tables)
	for _, tb := range tables {
		if len(want[tb.name]) != 2 {
			t.Errorf("table %s was filled with %d rows, want 2", tb.name, len(want[tb.name]))
		}
		if !reflect.DeepEqual(got[tb.name], want[tb.name]) {
			t.Errorf("table %s after the round trip:\n got %v\nwant %v", tb.name, got[tb.name], want[tb.name])
		}
	}
}

// TestTargetMustBeEmpty refuses to copy into a store that holds state, in
// both directions, and writes nothing.
func TestTargetMustBeEmpty(t *testing.T) {
	ctx := context.Background()
	pg := openPostgres(t)
	a, b := openSQLite(t), openSQLite(t)
	tables, err := layout(ctx, pg.Pool(), a.DB())
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	fill(t, a.DB(), tables)
	if _, err := SQLiteToPostgres(ctx, a.DB(), pg.Pool()); err != nil {
		t.Fatalf("first copy: %v", err)
	}
	var ne *NotEmptyError
	if _, err := SQLiteToPostgres(ctx, a.DB(), pg.Pool()); !errors.As(err, &ne) {
		t.Fatalf("second copy into PostgreSQL: err = %v, want NotEmptyError", err)
	}
	fill(t, b.DB(), tables[:1])
	if _, err := PostgresToSQLite(ctx, pg.Pool(), b.DB()); !errors.As(err, &ne) || ne.Table != tables[0].name {
		t.Fatalf("copy into a non-empty SQLite store: err = %v, want NotEmptyError for %s", err, tables[0].name)
	}
	var n int
	if err := b.DB().QueryRow(`SELECT count(*) FROM "` + tables[len(tables)-1].name + `"`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the refused copy wrote %d rows (%v)", n, err)
	}
}
