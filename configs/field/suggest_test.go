package field

import "testing"

func TestNearest(t *testing.T) {
	ids := []string{"lakeshore", "acme-ua", "steppe-foods"}
	for _, tc := range []struct {
		word, want string
	}{
		{"lakeshor", "lakeshore"},
		{"Lakeshore", "lakeshore"},
		{"acme_ua", "acme-ua"}, // one edit: _ normalised away, - kept
		{"stepe-foods", "steppe-foods"},
		{"globex", ""},
		{"a", ""},
		{"lakehsore", "lakeshore"}, // a swap is one edit
	} {
		got, ok := Nearest(tc.word, ids)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Nearest(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
		}
	}
	if got := DidYouMean("deadlne", []string{"deadline", "workload"}); got != ` (did you mean "deadline"?)` {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("timezone", []string{"time_zone"}); got != ` (did you mean "time_zone"?)` {
		t.Errorf("DidYouMean ignoring underscores = %q", got)
	}
}
