package workload

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// A finding evaluated again later changes only when what its reader acts
// on changes: an hour of the working day passing is not a change (the
// alert keeps the hours of its last change), a new task, a re-estimate
// the alert shows, a limit crossed or the horizon moving to the next day
// is.
func TestSameAcrossTime(t *testing.T) {
	in, monday := world(t) // Monday 7 December 2026, 09:00 in Kyiv
	at := func(hh, mm int) time.Time {
		return monday.Add(time.Duration(hh-9)*time.Hour + time.Duration(mm)*time.Minute)
	}
	forty := fortyHours(8 * h) // 40 h of estimates, 32 h available: over 90%
	tests := []struct {
		name     string
		before   time.Time
		after    time.Time
		tasks    func() []connectors.Task // before
		later    func() []connectors.Task // after; nil: the same tasks
		maxTasks int                      // 0: the default limit
		want     string                   // per finding of either run, by AM (none: the head's): same, changed, new or gone
	}{
		{name: "an hour of the working day passes", before: at(10, 0), after: at(11, 0),
			tasks: func() []connectors.Task { return forty },
			want:  "/same anna/same"},
		{name: "a few minutes pass across the lunch break", before: at(12, 55), after: at(14, 7),
			tasks: func() []connectors.Task { return forty },
			want:  "/same anna/same"},
		{name: "a new task due tomorrow", before: at(10, 0), after: at(10, 5),
			tasks: func() []connectors.Task { return forty },
			later: func() []connectors.Task {
				return append(slices.Clone(forty), task("BOLT-9", "acc-kate", "2026-12-08", connectors.Secs(2*h)))
			},
			want: "/changed anna/changed"},
		{name: "a new task beyond the horizon: the open-task count the alert shows", before: at(10, 0), after: at(10, 5),
			tasks: func() []connectors.Task { return forty },
			later: func() []connectors.Task {
				return append(slices.Clone(forty), task("BOLT-9", "acc-kate", "2027-01-29", connectors.Secs(2*h)))
			},
			want: "/changed anna/changed"},
		{name: "a re-estimate by a minute, the same to the tenth of an hour", before: at(10, 0), after: at(11, 0),
			tasks: func() []connectors.Task { return forty },
			later: func() []connectors.Task {
				ts := slices.Clone(forty)
				ts[0].RemainingEstimate = connectors.Secs(8*h + 60)
				return ts
			},
			want: "/same anna/same"},
		{name: "a re-estimate by half an hour", before: at(10, 0), after: at(11, 0),
			tasks: func() []connectors.Task { return forty },
			later: func() []connectors.Task {
				ts := slices.Clone(forty)
				ts[0].RemainingEstimate = connectors.Secs(8*h + h/2)
				return ts
			},
			want: "/changed anna/changed"},
		{name: "over on open tasks, the hours crossing the utilisation limit as the day runs down", before: at(9, 0), after: at(15, 0),
			// 27 h: under 32 h × 90% at 09:00, over 27 h × 90% at 15:00.
			tasks: func() []connectors.Task { return fortyHours(27 * h / 5) }, maxTasks: 4,
			want: "/changed anna/changed"},
		{name: "over on open tasks only, an hour passes", before: at(9, 0), after: at(10, 0),
			tasks: func() []connectors.Task { return fortyHours(27 * h / 5) }, maxTasks: 4,
			want: "/same anna/same"},
		{name: "the working day ends: the horizon moves to next Monday", before: at(17, 0), after: at(18, 30),
			tasks: func() []connectors.Task { return forty },
			want:  "/changed anna/changed"},
		{name: "the evening passes after the horizon moved", before: at(18, 30), after: at(23, 0),
			tasks: func() []connectors.Task { return forty },
			want:  "/same anna/same"},
		{name: "two tasks done: back under every limit", before: at(10, 0), after: at(10, 5),
			tasks: func() []connectors.Task { return forty },
			later: func() []connectors.Task { return forty[2:] },
			want:  "/gone anna/gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := in
			if tt.maxTasks > 0 {
				in.Config.MaxOpenTasks = tt.maxTasks
			}
			in.Tasks = tt.tasks()
			prev := Evaluate(in, tt.before)
			if tt.later != nil {
				in.Tasks = tt.later()
			}
			next := Evaluate(in, tt.after)
			byKey := map[string]*rules.Finding{}
			for i := range prev {
				byKey[prev[i].Key] = &prev[i]
			}
			var got []string
			for i := range next {
				n := &next[i]
				p := byKey[n.Key]
				delete(byKey, n.Key)
				verdict := "new"
				switch {
				case p == nil:
				case Same(p, n):
					verdict = "same"
					if tt.name == "an hour of the working day passes" && p.Fields[FieldAvailableHours] == n.Fields[FieldAvailableHours] {
						t.Fatalf("the available hours did not move (%s), the case tests nothing", p.Fields[FieldAvailableHours])
					}
					if !Carry(p, n) || !maps.Equal(p.Fields, n.Fields) {
						t.Errorf("%s: carried %v, want the fields as before %v", n.Fields[FieldAM], n.Fields, p.Fields)
					}
				default:
					verdict = "changed"
					fresh := maps.Clone(n.Fields)
					if Carry(p, n) || !maps.Equal(fresh, n.Fields) {
						t.Errorf("%s: a changed finding got the former figures: %v", n.Fields[FieldAM], n.Fields)
					}
				}
				got = append(got, n.Fields[FieldAM]+"/"+verdict)
			}
			for _, p := range byKey {
				got = append(got, p.Fields[FieldAM]+"/gone")
			}
			slices.Sort(got)
			if len(prev) == 0 && len(next) == 0 {
				t.Fatal("the case opens no finding")
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("got %s, want %s\nbefore: %v\nafter:  %v", s, tt.want, fieldsOf(prev), fieldsOf(next))
			}
		})
	}
}

func fieldsOf(fs []rules.Finding) []map[string]string {
	var out []map[string]string
	for _, f := range fs {
		out = append(out, f.Fields)
	}
	return out
}

// Same looks at every field that is not clocked, and at the finding's
// identity and wording.
func TestSameComparesAllButClockedFields(t *testing.T) {
	base := rules.Finding{Key: "workload:k", Rule: RuleName, Subject: rules.Subject{Kind: rules.SubjectPerson, ID: "kate"},
		Severity: rules.SeverityWarning, Title: "Kate is overloaded",
		Fields: map[string]string{FieldKind: KindOverloaded, FieldRemainingHours: "40.0", FieldAvailableHours: "31.0",
			FieldUtilization: "129", FieldHorizonEnd: "2026-12-11"}}
	edit := func(fn func(f *rules.Finding)) rules.Finding {
		f := base
		f.Fields = maps.Clone(base.Fields)
		fn(&f)
		return f
	}
	tests := []struct {
		name string
		f    rules.Finding
		same bool
	}{
		{"identical", edit(func(*rules.Finding) {}), true},
		{"fewer hours available, higher utilisation", edit(func(f *rules.Finding) {
			f.Fields[FieldAvailableHours], f.Fields[FieldUtilization] = "30.0", "133"
		}), true},
		{"remaining estimate", edit(func(f *rules.Finding) { f.Fields[FieldRemainingHours] = "40.1" }), false},
		{"horizon", edit(func(f *rules.Finding) { f.Fields[FieldHorizonEnd] = "2026-12-14" }), false},
		{"a field more", edit(func(f *rules.Finding) { f.Fields[FieldUnestimated] = "1" }), false},
		{"a field less", edit(func(f *rules.Finding) { delete(f.Fields, FieldRemainingHours) }), false},
		{"severity", edit(func(f *rules.Finding) { f.Severity = rules.SeverityInfo }), false},
		{"title", edit(func(f *rules.Finding) { f.Title = "Kate B is overloaded" }), false},
		{"client", edit(func(f *rules.Finding) { f.ClientID = "acme" }), false},
	}
	for _, tt := range tests {
		if got := Same(&base, &tt.f); got != tt.same {
			t.Errorf("%s: Same = %v, want %v", tt.name, got, tt.same)
		}
	}
}
