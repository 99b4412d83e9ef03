package hours

import (
	"testing"
	"time"
)

// mustLoc loads a zone from the embedded database.
func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return loc
}

// wall parses "2006-01-02 15:04" in loc. Only use wall times that exist once.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("parsing %q: %v", s, err)
	}
	if got := v.Format("2006-01-02 15:04"); got != s {
		t.Fatalf("wall time %q does not exist once in %s (got %s)", s, loc, got)
	}
	return v
}

// utc parses an RFC 3339 instant.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parsing %q: %v", s, err)
	}
	return v
}

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustWeek(t testing.TB, lines ...string) Week {
	t.Helper()
	w, err := ParseWeek(lines)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// sameInstant compares instants, ignoring location, and reports both in loc.
func sameInstant(t *testing.T, what string, got, want time.Time, loc *time.Location) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got.In(loc).Format(time.RFC3339), want.In(loc).Format(time.RFC3339))
	}
}
