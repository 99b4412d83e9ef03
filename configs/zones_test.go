package configs

import (
	"archive/zip"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateZones = flag.Bool("update-zones", false, "rewrite zones.txt from the Go release's zoneinfo.zip")

// TestZoneListMatchesTZData: zones.txt is the list of zones in the Go
// release's database, and every name in it loads.
func TestZoneListMatchesTZData(t *testing.T) {
	z, err := zip.OpenReader(filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		t.Skipf("no zoneinfo.zip in GOROOT: %v", err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, "/") {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	if *updateZones {
		if err := os.WriteFile("zones.txt", []byte(strings.Join(names, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !slices.Equal(names, zoneNames()) {
		t.Errorf("zones.txt is out of date with %s: run go test ./configs -run TestZoneListMatchesTZData -update-zones", runtime.Version())
	}
	for _, n := range zoneNames() {
		if _, err := time.LoadLocation(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}
