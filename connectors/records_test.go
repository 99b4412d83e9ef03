package connectors

import (
	"testing"
	"time"
)

func TestSlackTime(t *testing.T) {
	tests := []struct {
		ts   string
		want time.Time
	}{
		{"1759654800.000100", time.Unix(1759654800, 100_000).UTC()},
		{"1759654800.5", time.Unix(1759654800, 500_000_000).UTC()},
		{"1759654800", time.Unix(1759654800, 0).UTC()},
		{"", time.Time{}},
		{"abc.000100", time.Time{}},
		{"1759654800.0x0100", time.Time{}},
	}
	for _, tt := range tests {
		if got := SlackTime(tt.ts); !got.Equal(tt.want) {
			t.Errorf("SlackTime(%q) = %v, want %v", tt.ts, got, tt.want)
		}
	}
}

func TestTaskOpen(t *testing.T) {
	tests := []struct {
		cat     StatusCategory
		deleted bool
		want    bool
	}{
		{StatusCategoryNew, false, true},
		{StatusCategoryInProgress, false, true},
		{StatusCategoryDone, false, false},
		{StatusCategoryNew, true, false},
	}
	for _, tt := range tests {
		if got := (Task{StatusCategory: tt.cat, Deleted: tt.deleted}).Open(); got != tt.want {
			t.Errorf("Open(%s, deleted=%v) = %v, want %v", tt.cat, tt.deleted, got, tt.want)
		}
	}
}

func TestDimensionKind(t *testing.T) {
	for dim, want := range map[string]string{"": "", "campaign:123": "campaign", "query:a:b": "query"} {
		if got := (MetricRow{Dimension: dim}).DimensionKind(); got != want {
			t.Errorf("DimensionKind(%q) = %q, want %q", dim, got, want)
		}
	}
}
