package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/liaisonhq/liaison/sync/store/postgres"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
	"github.com/liaisonhq/liaison/sync/store/transfer"
)

// storeLocation is one side of migrate-store: a SQLite data dir or a
// PostgreSQL DSN, which is never printed (it may hold a password).
type storeLocation struct {
	dir string // sqlite:DIR
	dsn string // postgres://…
}

func parseStoreLocation(flagName, v string) (storeLocation, error) {
	switch {
	case strings.HasPrefix(v, "sqlite:"):
		dir := strings.TrimPrefix(v, "sqlite:")
		if dir == "" {
			return storeLocation{}, fmt.Errorf("-%s sqlite: needs the data directory, as in sqlite:/var/lib/liaison", flagName)
		}
		return storeLocation{dir: dir}, nil
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		return storeLocation{dsn: v}, nil
	case v == "":
		return storeLocation{}, fmt.Errorf("-%s is required: sqlite:DIR or postgres://…", flagName)
	default:
		return storeLocation{}, fmt.Errorf("-%s must be sqlite:DIR or postgres://…", flagName)
	}
}

// cmdMigrateStore moves an installation between the SQLite and PostgreSQL
// stores. The daemon must be stopped: the SQLite side's directory lock
// refuses to open while it runs.
func cmdMigrateStore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the store to copy: `sqlite:DIR or postgres://…`")
	to := fs.String("to", "", "the empty store to fill: `sqlite:DIR or postgres://…`")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: liaison migrate-store -from sqlite:DIR -to postgres://USER@HOST/DB
       liaison migrate-store -from postgres://USER@HOST/DB -to sqlite:DIR

Copies every table of Liaison's state (tasks, messages, findings, the outbox,
silences, audit...) into an empty store of the other kind, in one
transaction. Stop the daemon first. Queued jobs are not copied: schedules
start again when the daemon starts on the new store.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	src, err := parseStoreLocation("from", *from)
	if err == nil {
		var dst storeLocation
		dst, err = parseStoreLocation("to", *to)
		if err == nil && (src.dir == "") == (dst.dir == "") {
			err = fmt.Errorf("-from and -to must be one SQLite and one PostgreSQL store")
		}
		if err == nil {
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return migrateStore(ctx, src, dst, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "liaison: migrate-store: %v\n", err)
	return exitUsage
}

func migrateStore(ctx context.Context, src, dst storeLocation, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "liaison: migrate-store: %v\n", err)
		return exitFailed
	}
	dir, dsn := src.dir+dst.dir, src.dsn+dst.dsn // one of each side is empty
	lite, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		return fail(fmt.Errorf("opening the SQLite store: %w", err))
	}
	defer lite.Close()
	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return fail(fmt.Errorf("opening the PostgreSQL store: %w", err))
	}
	defer pg.Close()
	cc := pg.Pool().Config().ConnConfig
	pgName := fmt.Sprintf("postgres %s/%s (schema %s)", net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))), cc.Database, pg.Schema())
	liteName := "sqlite " + dir

	var tables []transfer.Table
	var fromName, toName string
	if src.dir != "" {
		fromName, toName = liteName, pgName
		tables, err = transfer.SQLiteToPostgres(ctx, lite.DB(), pg.Pool())
	} else {
		fromName, toName = pgName, liteName
		tables, err = transfer.PostgresToSQLite(ctx, pg.Pool(), lite.DB())
	}
	if err != nil {
		return fail(fmt.Errorf("copying from %s to %s: %w (nothing was written)", fromName, toName, err))
	}
	total := 0
	for _, t := range tables {
		fmt.Fprintf(stdout, "%-22s %8d rows\n", t.Name, t.Rows)
		total += t.Rows
	}
	fmt.Fprintf(stdout, "copied %d rows in %d tables from %s to %s\n", total, len(tables), fromName, toName)
	return exitOK
}
