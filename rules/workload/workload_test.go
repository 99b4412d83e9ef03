package workload

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
		t.Fatal(err)
	}
	return loc
}

// officeCal is an 8-hour day with a lunch break, plus vacation days.
func officeCal(t testing.TB, loc *time.Location, vacations ...string) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-13:00,14:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	cal := &hours.Calendar{Location: loc, Week: w}
	for _, v := range vacations {
		d, err := hours.ParseDate(v)
		if err != nil {
			t.Fatal(err)
		}
		cal.Vacations = append(cal.Vacations, hours.DateRange{From: d, To: d})
	}
	return cal
}

const h = int64(3600)

func task(key, assignee, due string, remaining *int64) connectors.Task {
	project, _, _ := strings.Cut(key, "-")
	return connectors.Task{Key: key, ProjectKey: project, AssigneeAccountID: assignee, DueDate: due,
		StatusCategory: connectors.StatusCategoryInProgress, RemainingEstimate: remaining}
}

// world is a small agency on Monday 7 December 2026, 09:00 in Kyiv: Kate
// (specialist, 8-hour days, on vacation on Wednesday) works for two
// clients of Anna's.
func world(t testing.TB) (Input, time.Time) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	in := Input{
		Config: DefaultConfig(),
		People: []Person{
			{ID: "anna", Name: "Anna", Role: connectors.RoleAccountManager, Calendar: officeCal(t, kyiv)},
			{ID: "kate", Name: "Kate", Role: connectors.RoleSpecialist, JiraAccountID: "acc-kate",
				Calendar: officeCal(t, kyiv, "2026-12-09")},
		},
		Clients: []Client{
			{ID: "acme", Name: "Acme", AM: "anna", Specialists: []string{"kate"}, Projects: []string{"ACME"}},
			{ID: "bolt", Name: "Bolt", AM: "anna", Specialists: []string{"kate"}, Projects: []string{"BOLT"}},
		},
	}
	return in, time.Date(2026, 12, 7, 9, 0, 0, 0, kyiv)
}

// fortyHours is 40 h of estimates due Monday to Friday, over two clients.
func fortyHours(eight int64) []connectors.Task {
	return []connectors.Task{
		task("ACME-1", "acc-kate", "2026-12-07", connectors.Secs(eight)),
		task("ACME-2", "acc-kate", "2026-12-08", connectors.Secs(eight)),
		task("ACME-3", "acc-kate", "2026-12-09", connectors.Secs(eight)),
		task("BOLT-1", "acc-kate", "2026-12-10", connectors.Secs(eight)),
		task("BOLT-2", "acc-kate", "2026-12-11", connectors.Secs(eight)),
	}
}

// want is a finding as a test reads it: am is FieldAM, empty on the
// head's findings.
type want struct {
	am, kind string
	sev      rules.Severity
	reasons  string
}

// got returns fs as wants, the head's findings first, then by AM.
func got(fs []rules.Finding) []want {
	var out []want
	for _, f := range fs {
		out = append(out, want{f.Fields[FieldAM], f.Fields[FieldKind], f.Severity, f.Fields[FieldReasons]})
	}
	slices.SortStableFunc(out, func(a, b want) int { return strings.Compare(a.am, b.am) })
	return out
}

func TestEvaluate(t *testing.T) {
	overloaded := []want{
		{"", KindOverloaded, rules.SeverityWarning, ReasonUtilization},
		{"anna", KindOverloaded, rules.SeverityInfo, ReasonUtilization},
	}
	tests := []struct {
		name string
		edit func(in *Input, now *time.Time)
		want []want
	}{
		{"40 h due in 5 working days, 32 h available (one vacation day), 90% → alert", func(in *Input, _ *time.Time) {
			in.Tasks = fortyHours(8 * h)
		}, overloaded},
		{"re-estimated to 25 h, under 28.8 h → nothing", func(in *Input, _ *time.Time) {
			in.Tasks = fortyHours(5 * h)
		}, nil},
		{"without the vacation: 40 h over 40 h × 90% → alert", func(in *Input, _ *time.Time) {
			in.People[1].Calendar.Vacations = nil
			in.Tasks = fortyHours(8 * h)
		}, overloaded},
		{"capacity max_utilization 1.0 and 36 h of 32 h → still over", func(in *Input, _ *time.Time) {
			in.People[1].Capacity.MaxUtilization = 1
			in.Tasks = fortyHours(36 * h / 5)
		}, overloaded},
		{"capacity max_utilization 1.0 and 30 h of 32 h → fine", func(in *Input, _ *time.Time) {
			in.People[1].Capacity.MaxUtilization = 1
			in.Tasks = fortyHours(6 * h)
		}, nil},
		{"tasks due after the horizon or undated do not count", func(in *Input, _ *time.Time) {
			in.Tasks = fortyHours(8 * h)
			in.Tasks[3].DueDate = "2026-12-14" // Monday after: past the 5th working day
			in.Tasks[4].DueDate = ""
		}, nil},
		{"overdue tasks still count against the horizon", func(in *Input, _ *time.Time) {
			in.Tasks = fortyHours(8 * h)
			in.Tasks[4].DueDate = "2026-11-30"
		}, overloaded},
		{"done and deleted tasks and other projects are ignored", func(in *Input, _ *time.Time) {
			in.Tasks = fortyHours(8 * h)
			in.Tasks[0].StatusCategory = connectors.StatusCategoryDone
			in.Tasks[1].Deleted = true
			in.Tasks[2].ProjectKey = "OTHER"
		}, nil},
		{"original minus spent when there is no remaining estimate, floored at zero", func(in *Input, _ *time.Time) {
			in.Tasks = fortyHours(8 * h)
			in.Tasks[0].RemainingEstimate = nil
			in.Tasks[0].OriginalEstimate, in.Tasks[0].TimeSpent = connectors.Secs(10*h), connectors.Secs(9*h) // 1 h
			in.Tasks[1].RemainingEstimate = nil
			in.Tasks[1].OriginalEstimate, in.Tasks[1].TimeSpent = connectors.Secs(2*h), connectors.Secs(5*h) // 0
			in.Tasks[2].RemainingEstimate = nil                                                              // no estimate: 0
		}, nil},
		{"too many open tasks (default 15) → alert naming every client with tasks", func(in *Input, _ *time.Time) {
			for i := range 16 {
				p := "ACME"
				if i == 0 {
					p = "BOLT"
				}
				in.Tasks = append(in.Tasks, task(p+"-"+string(rune('a'+i)), "acc-kate", "", nil))
			}
		}, []want{
			{"", KindOverloaded, rules.SeverityWarning, ReasonOpenTasks},
			{"anna", KindOverloaded, rules.SeverityInfo, ReasonOpenTasks},
		}},
		{"both limits; only clients with tasks in the horizon are named for utilisation", func(in *Input, _ *time.Time) {
			in.People[1].Capacity.MaxOpenTasks = 4
			in.Tasks = fortyHours(8 * h)
		}, []want{
			{"", KindOverloaded, rules.SeverityWarning, ReasonOpenTasks + "," + ReasonUtilization},
			{"anna", KindOverloaded, rules.SeverityInfo, ReasonOpenTasks + "," + ReasonUtilization},
		}},
		{"an AM over max_clients → head", func(in *Input, _ *time.Time) {
			in.Config.MaxClients = 1
		}, []want{{"", KindTooManyClients, rules.SeverityWarning, ""}}},
		{"capacity max_clients overrides the rule", func(in *Input, _ *time.Time) {
			in.Config.MaxClients = 1
			in.People[0].Capacity.MaxClients = 2
		}, nil},
		{"a client that has not started yet is not active", func(in *Input, _ *time.Time) {
			in.Config.MaxClients = 1
			in.Clients[1].StartDate = "2026-12-08"
		}, nil},
		{"a client starting today is active", func(in *Input, _ *time.Time) {
			in.Config.MaxClients = 1
			in.Clients[1].StartDate = "2026-12-07"
		}, []want{{"", KindTooManyClients, rules.SeverityWarning, ""}}},
		{"the AM limit does not apply to specialists", func(in *Input, _ *time.Time) {
			in.Config.MaxClients = 1
			in.Clients[0].AM = "kate"
			in.Clients[1].AM = "kate"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, now := world(t)
			tt.edit(&in, &now)
			fs := Evaluate(in, now)
			if g := got(fs); !slices.Equal(g, tt.want) {
				t.Fatalf("findings %+v\nwant %+v\nloads: %v", g, tt.want, Measure(in, now))
			}
			for _, f := range fs {
				if f.Rule != RuleName || f.ClientID != "" || f.Subject.Kind != rules.SubjectPerson || !strings.HasPrefix(f.Key, RuleName+":") {
					t.Errorf("malformed finding %+v", f)
				}
			}
		})
	}
}

func TestEvaluateFields(t *testing.T) {
	in, now := world(t)
	in.Tasks = fortyHours(8 * h)
	in.Tasks = append(in.Tasks, task("ACME-9", "acc-kate", "2026-12-08", nil))
	fs := Evaluate(in, now)
	if len(fs) != 2 {
		t.Fatalf("%d findings, want 2", len(fs))
	}
	byAM := map[string]rules.Finding{}
	for _, f := range fs {
		byAM[f.Fields[FieldAM]] = f
	}
	head, anna := byAM[""].Fields, byAM["anna"].Fields
	for k, v := range map[string]string{
		FieldPerson: "kate", FieldPersonName: "Kate", FieldRemainingHours: "40.0", FieldAvailableHours: "32.0",
		FieldUtilization: "125", FieldMaxUtilization: "90", FieldHorizonEnd: "2026-12-11", FieldOpenTasks: "6",
		FieldMaxOpenTasks: "15", FieldClients: "acme,bolt", FieldClientNames: "Acme, Bolt", FieldUnestimated: "1",
	} {
		if head[k] != v {
			t.Errorf("head finding %s = %q, want %q", k, head[k], v)
		}
		if anna[k] != v {
			t.Errorf("AM finding %s = %q, want %q", k, anna[k], v)
		}
	}
	if len(anna) != len(head)+1 {
		t.Errorf("AM finding has fields %v, want the head's and %s", anna, FieldAM)
	}
	if _, ok := anna["client_name"]; ok {
		t.Errorf("AM finding names one client: %v", anna)
	}
}

// A specialist over a limit is one warning for the head and one info
// finding per AM of an affected client, which lists that AM's clients only;
// keys depend on the people only.
func TestOverloadedPerAM(t *testing.T) {
	type amFinding struct{ clients, names string }
	tests := []struct {
		name  string
		tasks func() []connectors.Task
		head  string // the head finding's clients, "" for no findings
		ams   map[string]amFinding
	}{
		{
			name: "over the limit with tasks in clients of two AMs",
			tasks: func() []connectors.Task {
				return append(fortyHours(8*h), task("CORA-1", "acc-kate", "2026-12-08", connectors.Secs(8*h)))
			},
			head: "acme,bolt,cora",
			ams:  map[string]amFinding{"anna": {"acme,bolt", "Acme, Bolt"}, "oleh": {"cora", "Cora"}},
		},
		{
			name: "over the limit with tasks in one AM's clients only",
			tasks: func() []connectors.Task {
				return fortyHours(9 * h)
			},
			head: "acme,bolt",
			ams:  map[string]amFinding{"anna": {"acme,bolt", "Acme, Bolt"}},
		},
		{
			name: "under every limit",
			tasks: func() []connectors.Task {
				return append(fortyHours(4*h), task("CORA-1", "acc-kate", "2026-12-08", connectors.Secs(4*h)))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, now := world(t)
			kyiv := mustLoc(t, "Europe/Kyiv")
			in.People = append(in.People, Person{ID: "oleh", Name: "Oleh", Role: connectors.RoleAccountManager, Calendar: officeCal(t, kyiv)})
			in.Clients = append(in.Clients, Client{ID: "cora", Name: "Cora", AM: "oleh", Specialists: []string{"kate"}, Projects: []string{"CORA"}})
			in.Tasks = tt.tasks()
			fs := Evaluate(in, now)
			if tt.head == "" {
				if len(fs) != 0 {
					t.Fatalf("findings %v, want none", got(fs))
				}
				return
			}
			if len(fs) != 1+len(tt.ams) {
				t.Fatalf("findings %v, want the head's and one per AM of %v", got(fs), tt.ams)
			}
			keys := map[string]string{}
			for _, f := range fs {
				if f.ClientID != "" || f.Fields[FieldKind] != KindOverloaded || f.Subject.ID != "kate" {
					t.Errorf("malformed finding %+v", f)
				}
				am := f.Fields[FieldAM]
				if prev, ok := keys[f.Key]; ok {
					t.Errorf("findings for %q and %q share key %s", prev, am, f.Key)
				}
				keys[f.Key] = am
				if am == "" {
					if f.Severity != rules.SeverityWarning || f.Fields[FieldClients] != tt.head {
						t.Errorf("head finding: %v %v", f.Severity, f.Fields)
					}
					if f.Key != rules.Key(RuleName, "", f.Subject, KindOverloaded) {
						t.Errorf("head finding key %s", f.Key)
					}
					continue
				}
				want, ok := tt.ams[am]
				if !ok {
					t.Errorf("finding for AM %q, want only %v", am, tt.ams)
					continue
				}
				if f.Severity != rules.SeverityInfo || f.Fields[FieldClients] != want.clients || f.Fields[FieldClientNames] != want.names {
					t.Errorf("AM %s: %v clients %q (%q), want info %q (%q)", am, f.Severity,
						f.Fields[FieldClients], f.Fields[FieldClientNames], want.clients, want.names)
				}
				if f.Key != AMKey("kate", am) {
					t.Errorf("AM %s: key %s, want AMKey %s", am, f.Key, AMKey("kate", am))
				}
			}
			// Keys are stable across runs and do not follow the figures.
			in.Tasks[0].RemainingEstimate = connectors.Secs(9 * h)
			again := Evaluate(in, now.Add(time.Hour))
			if len(again) != len(fs) {
				t.Fatalf("%d findings an hour later, want %d", len(again), len(fs))
			}
			for _, f := range again {
				if am, ok := keys[f.Key]; !ok || am != f.Fields[FieldAM] {
					t.Errorf("an hour later, AM %q's finding has key %s, not the first run's", f.Fields[FieldAM], f.Key)
				}
			}
		})
	}
}

func TestHorizon(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	cal := officeCal(t, kyiv, "2026-12-09")
	xmas, _ := hours.ParseDate("2026-12-25")
	cal.Holidays = []hours.Date{xmas}
	tests := []struct {
		now       time.Time
		n         int
		last      string
		available time.Duration
	}{
		{time.Date(2026, 12, 7, 9, 0, 0, 0, kyiv), 5, "2026-12-11", 32 * time.Hour},
		{time.Date(2026, 12, 7, 15, 0, 0, 0, kyiv), 5, "2026-12-11", 27 * time.Hour},
		{time.Date(2026, 12, 7, 18, 0, 0, 0, kyiv), 5, "2026-12-14", 32 * time.Hour}, // Monday's hours are over
		{time.Date(2026, 12, 12, 12, 0, 0, 0, kyiv), 1, "2026-12-14", 8 * time.Hour}, // Saturday
		{time.Date(2026, 12, 21, 9, 0, 0, 0, kyiv), 5, "2026-12-28", 40 * time.Hour}, // Christmas moves the horizon
	}
	for _, tt := range tests {
		last, end := horizon(cal, tt.now, tt.n)
		if last.String() != tt.last {
			t.Errorf("horizon(%v, %d) ends %s, want %s", tt.now, tt.n, last, tt.last)
		}
		if got := cal.WorkingDuration(tt.now, end); got != tt.available {
			t.Errorf("horizon(%v, %d): %v available, want %v", tt.now, tt.n, got, tt.available)
		}
	}
	if last, _ := horizon(&hours.Calendar{Location: kyiv}, time.Date(2026, 12, 7, 9, 0, 0, 0, kyiv), 5); !last.IsZero() {
		t.Errorf("an empty week has a horizon: %s", last)
	}
}

func TestMeasureOverdue(t *testing.T) {
	in, now := world(t)
	in.People[0].JiraAccountID = "acc-anna"
	in.Tasks = []connectors.Task{
		task("ACME-1", "acc-kate", "2026-12-04", nil), // Kate's and Anna's client's
		task("BOLT-1", "", "2026-12-01", nil),         // unassigned: Anna's client's
		task("BOLT-2", "acc-anna", "2026-12-01", nil), // Anna's own, counted once
		task("BOLT-3", "acc-kate", "2026-12-07", nil), // due today: not overdue
	}
	loads := Measure(in, now)
	if loads[0].Overdue != 3 || loads[1].Overdue != 1 {
		t.Errorf("overdue: anna %d (want 3), kate %d (want 1)", loads[0].Overdue, loads[1].Overdue)
	}
	if loads[1].OpenTasks != 2 || loads[1].Unestimated != 2 {
		t.Errorf("kate: %v", loads[1])
	}
}
