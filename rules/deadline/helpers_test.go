package deadline

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return loc
}

// wall parses "2006-01-02 15:04" in loc, refusing wall times that do not
// exist exactly once so that a DST test cannot silently test something else.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("parsing %q: %v", s, err)
	}
	if got := v.Format("2006-01-02 15:04"); got != s {
		t.Fatalf("wall time %q does not exist in %s (got %s)", s, loc, got)
	}
	return v
}

func mustDate(t testing.TB, s string) hours.Date {
	t.Helper()
	d, err := hours.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// officeCal is a Monday-to-Friday 09:00-18:00 calendar in loc with the given holidays.
func officeCal(t testing.TB, loc *time.Location, holidays ...string) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	c := &hours.Calendar{Location: loc, Week: w}
	for _, h := range holidays {
		c.Holidays = append(c.Holidays, mustDate(t, h))
	}
	return c
}

// cfg returns the default config with the given warn_before and escalate_after.
func cfg(warn, escalate int) Config {
	c := DefaultConfig()
	c.WarnBeforeDays, c.EscalateAfterDays = warn, escalate
	return c
}

// task returns an issue of the project named by key's prefix.
func task(key string, cat connectors.StatusCategory, due string) connectors.Task {
	project, _, _ := strings.Cut(key, "-")
	status := map[connectors.StatusCategory]string{
		connectors.StatusCategoryNew:        "To Do",
		connectors.StatusCategoryInProgress: "In Progress",
		connectors.StatusCategoryDone:       "Done",
	}[cat]
	return connectors.Task{Key: key, ProjectKey: project, Summary: "Summary of " + key,
		Status: status, StatusCategory: cat, DueDate: due}
}

const (
	todo  = connectors.StatusCategoryNew
	doing = connectors.StatusCategoryInProgress
	done  = connectors.StatusCategoryDone
)

// got is the part of a finding that the behaviour tests compare.
type got struct {
	client, task, kind string // kind as in the key: "due_soon:2026-11-26"
	sev                rules.Severity
}

// summarize reduces findings to comparable rows and checks the invariants
// every finding must hold, whatever the case.
func summarize(t *testing.T, fs []rules.Finding, now time.Time) []got {
	t.Helper()
	var out []got
	for _, f := range fs {
		kind, keyKind := f.Fields[FieldKind], f.Fields[FieldKind]
		subj := rules.Subject{Kind: rules.SubjectTask, ID: f.Subject.ID}
		if d := f.Fields[FieldDueDate]; d != "" {
			kind += ":" + d
			keyKind = "due:" + d
			// Keys of earlier versions, kind included, stay recognisable.
			if former := []string{KindDueSoon + ":" + d, KindOverdue + ":" + d}; !slices.Equal(f.FormerKinds, former) {
				t.Errorf("%s: former kinds %v, want %v", f.Subject.ID, f.FormerKinds, former)
			}
		}
		if want := rules.Key(RuleName, f.ClientID, subj, keyKind); f.Key != want {
			t.Errorf("%s: key %s, want %s (kind %q)", f.Subject.ID, f.Key, want, keyKind)
		}
		if f.Rule != RuleName || f.Subject.Kind != rules.SubjectTask || f.Fields[FieldTaskKey] != f.Subject.ID {
			t.Errorf("%s: rule %q, subject %+v, task_key %q", f.Subject.ID, f.Rule, f.Subject, f.Fields[FieldTaskKey])
		}
		if !f.FirstSeen.Equal(now) || !f.LastSeen.Equal(now) || !f.Open() {
			t.Errorf("%s: first/last seen %v/%v, resolved %v; want %v and open", f.Subject.ID, f.FirstSeen, f.LastSeen, f.ResolvedAt, now)
		}
		if (f.Severity == rules.SeverityCritical) != (f.Fields[FieldEscalated] == "true") {
			t.Errorf("%s: severity %v with escalated=%q", f.Subject.ID, f.Severity, f.Fields[FieldEscalated])
		}
		out = append(out, got{f.ClientID, f.Subject.ID, kind, f.Severity})
	}
	return out
}
