package deadline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

func TestEvaluate(t *testing.T) {
	almaty := mustLoc(t, "Asia/Almaty")
	kyiv := mustLoc(t, "Europe/Kyiv")
	ny := mustLoc(t, "America/New_York")

	almatyClient := Client{ID: "steppe", Name: "Steppe", Location: almaty, Projects: []string{"ST"},
		AM: "aigerim", AMCalendar: officeCal(t, almaty), Config: cfg(2, 2)}
	kyivClient := func(c Config, holidays ...string) Client {
		return Client{ID: "acme", Name: "Acme", Location: kyiv, Projects: []string{"ACME"},
			AM: "anna", AMCalendar: officeCal(t, kyiv, holidays...), Config: c}
	}
	// A New York client whose AM works in Kyiv: due dates are New York dates,
	// working days are the AM's.
	nyClient := Client{ID: "bright", Name: "BrightPath", Location: ny, Projects: []string{"BP"},
		AM: "anna", AMCalendar: officeCal(t, kyiv), Config: cfg(2, 2)}
	disabled := cfg(2, 2)
	disabled.Enabled = false
	noDigest := cfg(2, 2)
	noDigest.NoDueDateDigest = false
	deleted := task("ST-9", todo, "2026-11-26")
	deleted.Deleted = true

	for _, tt := range []struct {
		name    string
		clients []Client
		tasks   []connectors.Task
		now     time.Time
		want    []got
	}{
		{
			name:    "almaty: due tomorrow is due soon, later and closed tasks are not",
			clients: []Client{almatyClient},
			tasks: []connectors.Task{
				task("ST-1", todo, "2026-11-26"),  // Thu, tomorrow: 1 working day left
				task("ST-2", todo, "2026-11-30"),  // Mon: Thu, Fri, Mon = 3 > 2
				task("ST-3", done, "2026-11-26"),  // done
				deleted,                           // deleted upstream
				task("XX-1", todo, "2026-11-26"),  // project of no client
				task("ST-4", doing, "2026-11-27"), // Fri: 2 working days left
			},
			now: wall(t, almaty, "2026-11-25 10:00"),
			want: []got{
				{"steppe", "ST-1", "due_soon:2026-11-26", rules.SeverityWarning},
				{"steppe", "ST-4", "due_soon:2026-11-27", rules.SeverityWarning},
			},
		},
		{
			// 20:00 UTC on the 24th is already the 25th in Almaty: the task
			// due on the 25th is due today there, not tomorrow, and the one
			// due on the 27th is two working days away, not three.
			name:    "almaty: today is the client's date, not UTC's",
			clients: []Client{almatyClient},
			tasks:   []connectors.Task{task("ST-1", todo, "2026-11-25"), task("ST-2", todo, "2026-11-27"), task("ST-3", todo, "2026-11-24")},
			now:     time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC),
			want: []got{
				{"steppe", "ST-1", "due_soon:2026-11-25", rules.SeverityWarning},
				{"steppe", "ST-2", "due_soon:2026-11-27", rules.SeverityWarning},
				{"steppe", "ST-3", "overdue:2026-11-24", rules.SeverityWarning},
			},
		},
		{
			name:    "friday evening, monday holiday: tuesday is one working day away",
			clients: []Client{kyivClient(cfg(1, 2), "2026-11-30")},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-12-01"), task("ACME-2", todo, "2026-12-02")},
			now:     wall(t, kyiv, "2026-11-27 19:00"),
			want:    []got{{"acme", "ACME-1", "due_soon:2026-12-01", rules.SeverityWarning}},
		},
		{
			name:    "friday evening, no holiday: tuesday is two working days away",
			clients: []Client{kyivClient(cfg(1, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-12-01")},
			now:     wall(t, kyiv, "2026-11-27 19:00"),
		},
		{
			name:    "due over the weekend: zero working days left",
			clients: []Client{kyivClient(cfg(1, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-29")},
			now:     wall(t, kyiv, "2026-11-27 19:00"),
			want:    []got{{"acme", "ACME-1", "due_soon:2026-11-29", rules.SeverityWarning}},
		},
		{
			// 23:30 in New York is 06:30 the next day in Kyiv, where the AM is.
			name:    "new york: 23:30 on the due day is not overdue",
			clients: []Client{nyClient},
			tasks:   []connectors.Task{task("BP-1", doing, "2026-03-10")},
			now:     wall(t, ny, "2026-03-10 23:30"),
			want:    []got{{"bright", "BP-1", "due_soon:2026-03-10", rules.SeverityWarning}},
		},
		{
			name:    "new york: 00:01 the next day is overdue",
			clients: []Client{nyClient},
			tasks:   []connectors.Task{task("BP-1", doing, "2026-03-10")},
			now:     wall(t, ny, "2026-03-11 00:01"),
			want:    []got{{"bright", "BP-1", "overdue:2026-03-10", rules.SeverityWarning}},
		},
		{
			name:    "kyiv: 23:30 on the due day is not overdue",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-25")},
			now:     wall(t, kyiv, "2026-11-25 23:30"),
			want:    []got{{"acme", "ACME-1", "due_soon:2026-11-25", rules.SeverityWarning}},
		},
		{
			name:    "kyiv: 00:01 the next day is overdue",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-25")},
			now:     wall(t, kyiv, "2026-11-26 00:01"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-11-25", rules.SeverityWarning}},
		},
		{
			// Clocks go forward at 03:00 on 29 March: the due day lasts 23 h,
			// so "start of the due day + 24 h" would still call this due today.
			name:    "kyiv spring DST: overdue at 00:30 after a 23-hour due day",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-03-29")},
			now:     wall(t, kyiv, "2026-03-30 00:30"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-03-29", rules.SeverityWarning}},
		},
		{
			name:    "kyiv spring DST: 23:30 on the 23-hour due day is not overdue",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-03-29")},
			now:     wall(t, kyiv, "2026-03-29 23:30"),
			want:    []got{{"acme", "ACME-1", "due_soon:2026-03-29", rules.SeverityWarning}},
		},
		{
			// Clocks go back at 04:00 on 25 October: the due day lasts 25 h,
			// so "start + 24 h" would call 23:30 overdue.
			name:    "kyiv autumn DST: 23:30 on the 25-hour due day is not overdue",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-10-25")},
			now:     wall(t, kyiv, "2026-10-25 23:30"),
			want:    []got{{"acme", "ACME-1", "due_soon:2026-10-25", rules.SeverityWarning}},
		},
		{
			name:    "kyiv DST week: due friday, tuesday night still a warning",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-03-27")},
			now:     wall(t, kyiv, "2026-03-31 23:59"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-03-27", rules.SeverityWarning}},
		},
		{
			name:    "kyiv DST week: due friday, escalated at wednesday 00:00",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-03-27")},
			now:     wall(t, kyiv, "2026-04-01 00:00"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-03-27", rules.SeverityCritical}},
		},
		{
			name:    "escalation: due thursday, monday night is one working day overdue",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-19")},
			now:     wall(t, kyiv, "2026-11-23 23:59"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-11-19", rules.SeverityWarning}},
		},
		{
			name:    "escalation: due thursday, critical at tuesday 00:00 (weekend not counted)",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-19")},
			now:     wall(t, kyiv, "2026-11-24 00:00"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-11-19", rules.SeverityCritical}},
		},
		{
			name:    "escalation: an AM holiday on monday delays it a day",
			clients: []Client{kyivClient(cfg(2, 2), "2026-11-23")},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-19"), task("ACME-2", todo, "2026-11-18")},
			now:     wall(t, kyiv, "2026-11-24 00:00"),
			want: []got{
				{"acme", "ACME-1", "overdue:2026-11-19", rules.SeverityWarning},  // Fri only
				{"acme", "ACME-2", "overdue:2026-11-18", rules.SeverityCritical}, // Thu, Fri
			},
		},
		{
			name:    "escalate_after 0: critical as soon as it is overdue",
			clients: []Client{kyivClient(cfg(2, 0))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-19")},
			now:     wall(t, kyiv, "2026-11-20 00:00"),
			want:    []got{{"acme", "ACME-1", "overdue:2026-11-19", rules.SeverityCritical}},
		},
		{
			name:    "warn_before 0: no due-soon findings, overdue ones stay",
			clients: []Client{kyivClient(cfg(0, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2026-11-25"), task("ACME-2", todo, "2026-11-24")},
			now:     wall(t, kyiv, "2026-11-25 09:00"),
			want:    []got{{"acme", "ACME-2", "overdue:2026-11-24", rules.SeverityWarning}},
		},
		{
			name:    "no due date: in progress goes to the digest, new and done do not",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", doing, ""), task("ACME-2", todo, ""), task("ACME-3", done, "")},
			now:     wall(t, kyiv, "2026-11-25 09:00"),
			want:    []got{{"acme", "ACME-1", "no_due_date", rules.SeverityInfo}},
		},
		{
			name:    "no due date with the digest off: nothing",
			clients: []Client{kyivClient(noDigest)},
			tasks:   []connectors.Task{task("ACME-1", doing, "")},
			now:     wall(t, kyiv, "2026-11-25 09:00"),
		},
		{
			name: "disabled rule: nothing, and its projects stay its own",
			clients: []Client{
				kyivClient(disabled),
				{ID: "zeta", Location: kyiv, Projects: []string{"ACME", "ZT"}, AMCalendar: officeCal(t, kyiv), Config: cfg(2, 2)},
			},
			tasks: []connectors.Task{task("ACME-1", todo, "2026-11-20"), task("ACME-2", doing, ""), task("ZT-1", todo, "2026-11-20")},
			now:   wall(t, kyiv, "2026-11-25 09:00"),
			want:  []got{{"zeta", "ZT-1", "overdue:2026-11-20", rules.SeverityCritical}}, // Mon, Tue elapsed
		},
		{
			name: "per-client overrides: warn_before 1 and 3 on the same task date",
			clients: []Client{
				{ID: "a", Location: kyiv, Projects: []string{"AA"}, AMCalendar: officeCal(t, kyiv), Config: cfg(1, 2)},
				{ID: "b", Location: kyiv, Projects: []string{"BB"}, AMCalendar: officeCal(t, kyiv), Config: cfg(3, 2)},
			},
			tasks: []connectors.Task{task("AA-1", todo, "2026-11-30"), task("BB-1", todo, "2026-11-30")},
			now:   wall(t, kyiv, "2026-11-25 09:00"), // Wed; Thu, Fri, Mon = 3 working days
			want:  []got{{"b", "BB-1", "due_soon:2026-11-30", rules.SeverityWarning}},
		},
		{
			name:    "malformed due date: nothing rather than a guess",
			clients: []Client{kyivClient(cfg(2, 2))},
			tasks:   []connectors.Task{task("ACME-1", doing, "2026-02-30"), task("ACME-2", doing, "26-11-25")},
			now:     wall(t, kyiv, "2026-11-25 09:00"),
		},
		{
			name:    "far future: never due soon",
			clients: []Client{kyivClient(cfg(30, 2))},
			tasks:   []connectors.Task{task("ACME-1", todo, "2031-01-01")},
			now:     wall(t, kyiv, "2026-11-25 09:00"),
		},
		{
			name:    "no AM calendar: every day counts",
			clients: []Client{{ID: "acme", Location: kyiv, Projects: []string{"ACME"}, Config: cfg(2, 2)}},
			tasks: []connectors.Task{
				task("ACME-1", todo, "2026-11-29"), // Sun: Sat, Sun = 2
				task("ACME-2", todo, "2026-11-30"), // Mon: 3
				task("ACME-3", todo, "2026-11-24"), // Tue: Wed, Thu elapsed = 2
			},
			now: wall(t, kyiv, "2026-11-27 19:00"),
			want: []got{
				{"acme", "ACME-1", "due_soon:2026-11-29", rules.SeverityWarning},
				{"acme", "ACME-3", "overdue:2026-11-24", rules.SeverityCritical},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := Evaluate(Input{Clients: tt.clients, Tasks: tt.tasks}, tt.now)
			gotRows := summarize(t, fs, tt.now)
			order := func(a, b got) int {
				return cmp.Or(strings.Compare(a.client, b.client), strings.Compare(a.task, b.task), strings.Compare(a.kind, b.kind))
			}
			slices.SortFunc(gotRows, order)
			want := slices.Clone(tt.want)
			slices.SortFunc(want, order)
			if !slices.Equal(gotRows, want) {
				t.Errorf("findings:\n got %v\nwant %v", gotRows, want)
			}
		})
	}
}

func TestEvaluateFields(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	c := cfg(2, 2)
	c.NotifyAssignee = true
	in := Input{
		Clients: []Client{{ID: "acme", Name: "Acme Ukraine", Location: kyiv, Projects: []string{"ACME"},
			AM: "anna", AMCalendar: officeCal(t, kyiv), Config: c}},
		Tasks: []connectors.Task{
			withAssignee(task("ACME-1", todo, "2026-11-26"), "acc-oleh"),
			withAssignee(task("ACME-2", doing, "2026-11-19"), "acc-unknown"),
			task("ACME-3", doing, ""),
		},
		Assignees:   map[string]string{"acc-oleh": "oleh"},
		JiraBaseURL: "https://acme.atlassian.net/",
	}
	now := wall(t, kyiv, "2026-11-25 11:00")
	fs := Evaluate(in, now)
	byTask := map[string]rules.Finding{}
	for _, f := range fs {
		byTask[f.Subject.ID] = f
	}
	common := func(key, status string) map[string]string {
		return map[string]string{FieldTaskKey: key, FieldSummary: "Summary of " + key, FieldStatus: status,
			FieldClientName: "Acme Ukraine", FieldAM: "anna"}
	}
	want := map[string]map[string]string{
		"ACME-1": merge(common("ACME-1", "To Do"), map[string]string{FieldKind: KindDueSoon, FieldDueDate: "2026-11-26",
			FieldWorkingDaysLeft: "1", FieldAssigneeAccountID: "acc-oleh", FieldAssignee: "oleh", FieldNotifyAssignee: "true"}),
		"ACME-2": merge(common("ACME-2", "In Progress"), map[string]string{FieldKind: KindOverdue, FieldDueDate: "2026-11-19",
			FieldDaysOverdue: "6", FieldWorkingDaysOverdue: "3", FieldEscalated: "true",
			FieldAssigneeAccountID: "acc-unknown", FieldNotifyAssignee: "true"}),
		"ACME-3": merge(common("ACME-3", "In Progress"), map[string]string{FieldKind: KindNoDueDate}),
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings, want %d: %v", len(fs), len(want), summarize(t, fs, now))
	}
	for key, wantFields := range want {
		f, ok := byTask[key]
		if !ok {
			t.Errorf("no finding for %s", key)
			continue
		}
		if !mapsEqual(f.Fields, wantFields) {
			t.Errorf("%s fields:\n got %v\nwant %v", key, f.Fields, wantFields)
		}
		if wantURL := "https://acme.atlassian.net/browse/" + key; f.Subject.URL != wantURL {
			t.Errorf("%s URL = %q, want %q", key, f.Subject.URL, wantURL)
		}
		if f.ClientID != "acme" || f.Title == "" || !strings.Contains(f.Title, key) {
			t.Errorf("%s: client %q, title %q", key, f.ClientID, f.Title)
		}
	}
	// Without a base URL there is no link rather than a relative one.
	in.JiraBaseURL = ""
	for _, f := range Evaluate(in, now) {
		if f.Subject.URL != "" {
			t.Errorf("%s URL = %q without a base URL", f.Subject.ID, f.Subject.URL)
		}
	}
}

func withAssignee(t connectors.Task, account string) connectors.Task {
	t.AssigneeAccountID = account
	return t
}

func merge(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestKeys pins what makes a finding the same finding: the key survives
// another run, an escalation and the task crossing from due soon to overdue
// (one finding that got worse), and changes when the due date moves.
func TestKeys(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	client := Client{ID: "acme", Location: kyiv, Projects: []string{"ACME"}, AMCalendar: officeCal(t, kyiv), Config: cfg(2, 2)}
	key := func(due, at string) (string, rules.Severity) {
		t.Helper()
		fs := Evaluate(Input{Clients: []Client{client}, Tasks: []connectors.Task{task("ACME-1", todo, due)}}, wall(t, kyiv, at))
		if len(fs) != 1 {
			t.Fatalf("due %s at %s: %d findings, want 1", due, at, len(fs))
		}
		return fs[0].Key, fs[0].Severity
	}
	soon, _ := key("2026-11-26", "2026-11-25 09:00")
	again, _ := key("2026-11-26", "2026-11-25 17:00")
	moved, _ := key("2026-11-27", "2026-11-25 09:00")
	late, sevLate := key("2026-11-26", "2026-11-27 09:00")
	escalated, sevEsc := key("2026-11-26", "2026-12-01 09:00")
	if soon != again {
		t.Errorf("a second run changed the key: %s then %s", soon, again)
	}
	if soon == moved {
		t.Errorf("moving the due date kept the key %s", soon)
	}
	if late != soon {
		t.Errorf("becoming overdue changed the key: %s then %s", soon, late)
	}
	if late != escalated || sevLate != rules.SeverityWarning || sevEsc != rules.SeverityCritical {
		t.Errorf("escalation: key %s (%v) then %s (%v); want the same key, warning then critical", late, sevLate, escalated, sevEsc)
	}
}

// TestEvaluateOrder checks that the output is sorted by client, then key, and
// does not depend on the order of clients and tasks in the input or on the
// zone now is expressed in.
func TestEvaluateOrder(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	ny := mustLoc(t, "America/New_York")
	var clients []Client
	var tasks []connectors.Task
	for i, id := range []string{"delta", "alpha", "charlie", "bravo"} {
		p := strings.ToUpper(id[:2])
		clients = append(clients, Client{ID: id, Location: []*time.Location{kyiv, ny}[i%2], Projects: []string{p},
			AMCalendar: officeCal(t, kyiv), Config: cfg(3, 2)})
		for n := 1; n <= 6; n++ {
			tasks = append(tasks, task(fmt.Sprintf("%s-%d", p, n), doing, fmt.Sprintf("2026-11-%02d", 20+n)))
		}
		tasks = append(tasks, task(p+"-99", doing, ""))
	}
	now := wall(t, kyiv, "2026-11-25 12:00")
	first := Evaluate(Input{Clients: clients, Tasks: tasks}, now)
	if len(first) != 4*7 {
		t.Fatalf("got %d findings, want %d", len(first), 4*7)
	}
	if !slices.IsSortedFunc(first, func(a, b rules.Finding) int {
		return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
	}) {
		t.Error("findings are not sorted by client, then key")
	}
	slices.Reverse(clients)
	slices.Reverse(tasks)
	second := Evaluate(Input{Clients: clients, Tasks: tasks}, now.In(time.UTC))
	if len(second) != len(first) {
		t.Fatalf("reordered input: %d findings, want %d", len(second), len(first))
	}
	for i := range first {
		a, b := first[i], second[i]
		if a.Key != b.Key || a.Severity != b.Severity || !mapsEqual(a.Fields, b.Fields) {
			t.Errorf("finding %d differs after reordering: %s %v vs %s %v", i, a.Key, a.Fields, b.Key, b.Fields)
		}
	}
}

// TestEvaluateDoesNotMutate guards the purity promise: the engine shares the
// snapshot between rules.
func TestEvaluateDoesNotMutate(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	clients := []Client{{ID: "b", Location: kyiv, Projects: []string{"BB"}, Config: cfg(2, 2)},
		{ID: "a", Location: kyiv, Projects: []string{"AA"}, Config: cfg(2, 2)}}
	tasks := []connectors.Task{task("BB-1", todo, "2026-11-20"), task("AA-1", todo, "2026-11-20")}
	wantClients, wantTasks := slices.Clone(clients), slices.Clone(tasks)
	Evaluate(Input{Clients: clients, Tasks: tasks}, wall(t, kyiv, "2026-11-25 12:00"))
	for i := range clients {
		if clients[i].ID != wantClients[i].ID {
			t.Errorf("clients reordered: %v", clients[i].ID)
		}
	}
	for i := range tasks {
		if tasks[i].Key != wantTasks[i].Key {
			t.Errorf("tasks reordered: %v", tasks[i].Key)
		}
	}
}
