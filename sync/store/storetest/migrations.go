package storetest

import (
	"io/fs"
	"testing"

	"github.com/liaisonhq/liaison/sync/store"
)

// MigrationVersion returns the version of the migration file name in fsys,
// a store's embedded migrations, failing t when there is none: an upgrade
// test names the file it is about, not a number that moves when migrations
// are added.
func MigrationVersion(t *testing.T, fsys fs.FS, name string) int {
	t.Helper()
	ms, err := store.LoadMigrations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name == name {
			return m.Version
		}
	}
	t.Fatalf("no migration %s", name)
	return 0
}
