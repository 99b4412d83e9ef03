package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestBenchJSON: `liaison bench -only rules -json` prints the issue's
// shape, one figure per row of the table in order, the rule figures
// measured and the others null with the reason, never invented.
func TestBenchJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 20,000 tasks")
	}
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "-only", "rules", "-json"}, &out, &errb); code != exitOK {
		t.Fatalf("bench exited %d:\n%s", code, errb.String())
	}
	var rep struct {
		Scale   float64 `json:"scale"`
		Figures []struct {
			Name  string   `json:"name"`
			Value *float64 `json:"value"`
			Unit  string   `json:"unit"`
			Goal  string   `json:"goal"`
			Met   *bool    `json:"met"`
			Note  string   `json:"note"`
		} `json:"figures"`
	}
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("bench -json: %v", err)
	}
	if rep.Scale != 0.1 {
		t.Errorf("scale %v, want the default 0.1", rep.Scale)
	}
	want := []string{"ping→reply p99", "ping→AM alert p99", "rule evaluation full", "rule evaluation one change",
		"history calls steady", "jira requests idle ÷ minimum", "backfill ÷ floor jira", "backfill ÷ floor google ads",
		"backfill ÷ floor search console", "rss steady", "rss backfill"}
	if len(rep.Figures) != len(want) {
		t.Fatalf("%d figures, want %d", len(rep.Figures), len(want))
	}
	for i, f := range rep.Figures {
		if f.Name != want[i] {
			t.Errorf("figure %d is %q, want %q", i, f.Name, want[i])
		}
		if f.Goal == "" || f.Met == nil {
			t.Errorf("figure %q lacks its goal or met", f.Name)
		}
		measured := strings.HasPrefix(f.Name, "rule evaluation")
		if measured != (f.Value != nil) {
			t.Errorf("figure %q: value %v, measured %v", f.Name, f.Value, measured)
		}
		if !measured && (*f.Met || f.Note == "") {
			t.Errorf("figure %q is not measured, yet met %v, note %q", f.Name, *f.Met, f.Note)
		}
	}
}

func TestBenchRejectsOtherScales(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"bench", "-scale", "0.5"}, &out, &errb); code != exitUsage {
		t.Fatalf("bench -scale 0.5 exited %d, want usage error", code)
	}
	if !strings.Contains(errb.String(), "-scale must be 0.1 or 1") {
		t.Errorf("stderr %q does not say which scales there are", errb.String())
	}
}
