package configs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseMemoryLimit reads server.memory_limit: a size with a unit (B, KiB,
// MiB, GiB, or the decimal KB, MB, GB), as GOMEMLIMIT takes it, or "off"
// (also "" and "0") for no limit, which is returned as 0.
func ParseMemoryLimit(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" || strings.EqualFold(s, "off") {
		return 0, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			break
		}
		n := v * u.mult
		if n < 64<<20 {
			return 0, fmt.Errorf("must be at least 64MiB (or off), not %q: below that the daemon would collect garbage all the time", s)
		}
		if n > math.MaxInt64/2 {
			return 0, fmt.Errorf("%q is too large", s)
		}
		return int64(n), nil
	}
	return 0, fmt.Errorf("must be a size such as 250MiB or 1GiB, or off, not %q", s)
}
