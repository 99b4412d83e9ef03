package questions

import (
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWeek(t *testing.T) {
	almaty, kyiv, ny := mustLoad(t, "Asia/Almaty"), mustLoad(t, "Europe/Kyiv"), mustLoad(t, "America/New_York")
	tests := []struct {
		name string
		at   time.Time
		loc  *time.Location
		want string
	}{
		{"tuesday", time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), almaty, "2026-W49"},
		// Sunday 23:30 in Almaty is still week 49 there, though UTC says 18:30 Sunday too.
		{"sunday night in almaty", time.Date(2026, 12, 6, 18, 30, 0, 0, time.UTC), almaty, "2026-W49"},
		// Sunday 22:30 UTC is already Monday 00:30 in Kyiv: week 50 for a Kyiv AM.
		{"monday in kyiv, sunday in utc", time.Date(2026, 12, 6, 22, 30, 0, 0, time.UTC), kyiv, "2026-W50"},
		{"same instant in utc", time.Date(2026, 12, 6, 22, 30, 0, 0, time.UTC), time.UTC, "2026-W49"},
		// Monday 03:00 UTC is Sunday evening in New York.
		{"monday in utc, sunday in new york", time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC), ny, "2026-W49"},
		// 2026 has 53 ISO weeks; the first days of 2027 belong to its last.
		{"new year's eve", time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), kyiv, "2026-W53"},
		{"first sunday of 2027", time.Date(2027, 1, 3, 20, 0, 0, 0, time.UTC), time.UTC, "2026-W53"},
		{"first monday of 2027 in almaty", time.Date(2027, 1, 3, 20, 0, 0, 0, time.UTC), almaty, "2027-W01"},
		{"nil location is utc", time.Date(2027, 1, 3, 20, 0, 0, 0, time.UTC), nil, "2026-W53"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Week(tt.at, tt.loc); got != tt.want {
				t.Errorf("Week(%s, %v) = %q, want %q", tt.at.Format(time.RFC3339), tt.loc, got, tt.want)
			}
		})
	}
}

func TestBatchKey(t *testing.T) {
	if got, want := BatchKey("steppe-foods", "timur", "2026-W49"), "questions/steppe-foods/timur/2026-W49"; got != want {
		t.Errorf("BatchKey = %q, want %q", got, want)
	}
	if BatchKey("a", "b", "2026-W49") == BatchKey("a", "b", "2026-W50") || BatchKey("a", "b", "w") == BatchKey("a", "c", "w") {
		t.Error("different batches share a key")
	}
}
