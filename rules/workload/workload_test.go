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

type want struct {
	client, kind string
	sev          rules.Severity
	reasons      string
}

func got(fs []rules.Finding) []want {
	var out []want
	for _, f := range fs {
		out = append(out, want{f.ClientID, f.Fields[FieldKind], f.Severity, f.Fields[FieldReasons]})
	}
	return out
}

func TestEvaluate(t *testing.T) {
	overloaded := []want{
		{"", KindOverloaded, rules.SeverityWarning, ReasonUtilization},
		{"acme", KindOverloaded, rules.SeverityInfo, ReasonUtilization},
		{"bolt", KindOverloaded, rules.SeverityInfo, ReasonUtilization},
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
			{"acme", KindOverloaded, rules.SeverityInfo, ReasonOpenTasks},
			{"bolt", KindOverloaded, rules.SeverityInfo, ReasonOpenTasks},
		}},
		{"both limits; only clients with tasks in the horizon are named for utilisation", func(in *Input, _ *time.Time) {
			in.People[1].Capacity.MaxOpenTasks = 4
			in.Tasks = fortyHours(8 * h)
		}, []want{
			{"", KindOverloaded, rules.SeverityWarning, ReasonOpenTasks + "," + ReasonUtilization},
			{"acme", KindOverloaded, rules.SeverityInfo, ReasonOpenTasks + "," + ReasonUtilization},
			{"bolt", KindOverloaded, rules.SeverityInfo, ReasonOpenTasks + "," + ReasonUtilization},
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
				if f.Rule != RuleName || f.Subject.Kind != rules.SubjectPerson || !strings.HasPrefix(f.Key, RuleName+":") {
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
	if len(fs) != 3 {
		t.Fatalf("%d findings, want 3", len(fs))
	}
	head, acme := fs[0].Fields, fs[1].Fields
	for k, v := range map[string]string{
		FieldPerson: "kate", FieldPersonName: "Kate", FieldRemainingHours: "40.0", FieldAvailableHours: "32.0",
		FieldUtilization: "125", FieldMaxUtilization: "90", FieldHorizonEnd: "2026-12-11", FieldOpenTasks: "6",
		FieldMaxOpenTasks: "15", FieldClients: "acme,bolt", FieldClientNames: "Acme, Bolt", FieldUnestimated: "1",
	} {
		if head[k] != v {
			t.Errorf("head finding %s = %q, want %q", k, head[k], v)
		}
	}
	if acme[FieldClientName] != "Acme" || acme[FieldAM] != "anna" || fs[1].ClientID != "acme" {
		t.Errorf("client finding: %v", acme)
	}
	if fs[0].Key == fs[1].Key || fs[1].Key == fs[2].Key {
		t.Error("keys are not distinct per client")
	}
	// The key depends on the person (and client) only, not on the figures.
	in.Tasks[0].RemainingEstimate = connectors.Secs(9 * h)
	again := Evaluate(in, now.Add(time.Hour))
	for i := range fs {
		if again[i].Key != fs[i].Key {
			t.Errorf("key %d changed with the figures", i)
		}
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

// An AM's per-client finding lists the affected clients that AM leads,
// not every client of the specialist's: the head's finding lists them all.
func TestPerClientFindingsListTheirAMsClients(t *testing.T) {
	in, now := world(t)
	kyiv := mustLoc(t, "Europe/Kyiv")
	in.People = append(in.People, Person{ID: "oleh", Name: "Oleh", Role: connectors.RoleAccountManager, Calendar: officeCal(t, kyiv)})
	in.Clients = append(in.Clients, Client{ID: "cora", Name: "Cora", AM: "oleh", Specialists: []string{"kate"}, Projects: []string{"CORA"}})
	in.Tasks = append(fortyHours(8*h), task("CORA-1", "acc-kate", "2026-12-08", connectors.Secs(8*h)))
	byClient := map[string]rules.Finding{}
	for _, f := range Evaluate(in, now) {
		byClient[f.ClientID] = f
	}
	for client, want := range map[string][2]string{
		"":     {"acme,bolt,cora", "Acme, Bolt, Cora"},
		"acme": {"acme,bolt", "Acme, Bolt"},
		"bolt": {"acme,bolt", "Acme, Bolt"},
		"cora": {"cora", "Cora"},
	} {
		f, ok := byClient[client]
		if !ok {
			t.Fatalf("no finding for client %q", client)
		}
		if f.Fields[FieldClients] != want[0] || f.Fields[FieldClientNames] != want[1] {
			t.Errorf("client %q: clients %q (%q), want %q (%q)", client, f.Fields[FieldClients], f.Fields[FieldClientNames], want[0], want[1])
		}
	}
}
