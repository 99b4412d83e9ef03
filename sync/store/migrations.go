package store

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema change of a store: the file
// migrations/NNNN_name.sql embedded in the store's package.
type Migration struct {
	Version int    // NNNN
	Name    string // the file name, NNNN_name.sql
	SQL     string
}

// LoadMigrations reads the migrations/NNNN_name.sql files of fsys in
// version order. Versions run 1, 2, 3… without gaps, so that a database's
// version says exactly which files it has applied.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, fmt.Errorf("reading embedded migrations: %w", err)
	}
	var ms []Migration
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
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d (versions must be 1, 2, 3... without gaps)", m.Name, i+1)
		}
	}
	return ms, nil
}

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
