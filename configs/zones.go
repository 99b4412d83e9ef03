package configs

import (
	_ "embed"
	"strings"
	"sync"
)

// zonesTxt lists the zone names of the time-zone database the binary
// carries (time/tzdata), one a line; TestZoneListMatchesTZData keeps it in
// step with the Go release. Go cannot list the zones it knows, and "did you
// mean" needs the names.
//
//go:embed zones.txt
var zonesTxt string

var zoneNames = sync.OnceValue(func() []string {
	return strings.Fields(zonesTxt)
})
