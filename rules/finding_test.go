package rules

import (
	"encoding/json"
	"testing"
)

func TestSeverityNames(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Severity
	}{{"info", SeverityInfo}, {"WARNING", SeverityWarning}, {"Critical", SeverityCritical}} {
		got, err := ParseSeverity(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, _ := ParseSeverity(got.String()); back != got {
			t.Errorf("%v does not round-trip through String", got)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
	if !(SeverityCritical > SeverityWarning && SeverityWarning > SeverityInfo) {
		t.Error("severities must order by urgency")
	}
	b, err := json.Marshal(map[string]Severity{"s": SeverityWarning})
	if err != nil || string(b) != `{"s":"warning"}` {
		t.Errorf("JSON = %s, %v", b, err)
	}
	var s Severity
	if err := json.Unmarshal([]byte(`"critical"`), &s); err != nil || s != SeverityCritical {
		t.Errorf("unmarshal = %v, %v", s, err)
	}
	if _, err := Severity(7).MarshalText(); err == nil {
		t.Error("an out-of-range severity marshalled")
	}
}

func TestKey(t *testing.T) {
	subj := Subject{Kind: SubjectTask, ID: "ACME-1", URL: "https://x.test/browse/ACME-1"}
	k := Key("deadline", "acme", subj, "overdue")
	moved := subj
	moved.URL = "https://elsewhere.test/ACME-1"
	if Key("deadline", "acme", moved, "overdue") != k {
		t.Error("the subject URL must not change the key")
	}
	if len(k) != len("deadline:")+32 || k[:9] != "deadline:" {
		t.Errorf("key %q: want the rule name then 32 hex digits", k)
	}
	distinct := []string{
		k,
		Key("deadline", "acme", subj, "due_soon"),
		Key("deadline", "beta", subj, "overdue"),
		Key("response", "acme", subj, "overdue"),
		Key("deadline", "acme", Subject{Kind: SubjectMessage, ID: "ACME-1"}, "overdue"),
		// Shifting a boundary between parts must not collide.
		Key("deadline", "acm", Subject{Kind: SubjectTask, ID: "eACME-1"}, "overdue"),
		Key("deadline", "acme", Subject{Kind: SubjectTask, ID: "ACME-1overdue"}, ""),
	}
	seen := map[string]int{}
	for i, d := range distinct {
		if j, dup := seen[d]; dup {
			t.Errorf("keys %d and %d collide: %s", j, i, d)
		}
		seen[d] = i
	}
}
