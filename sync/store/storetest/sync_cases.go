package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

func testCursors(t *testing.T, s store.Store) {
	_, err := s.GetCursor(ctx(t), "jira")
	mustBe(t, err, store.ErrNotFound)

	must(t, s.PutCursor(ctx(t), store.Cursor{Source: "jira", Version: 1, Data: []byte(`{"updated":"2026-10-01"}`)}))
	must(t, s.PutCursor(ctx(t), store.Cursor{Source: "slack:C1", Version: 1, Data: []byte(`"1700000000.000100"`)}))
	// A connector that changed its cursor format bumps the version.
	must(t, s.PutCursor(ctx(t), store.Cursor{Source: "jira", Version: 2, Data: []byte(`{"token":"abc"}`)}))

	got, err := s.GetCursor(ctx(t), "jira")
	must(t, err)
	if got.Source != "jira" || got.Version != 2 || string(got.Data) != `{"token":"abc"}` {
		t.Errorf("jira cursor = %+v %s, want version 2 with the new data", got, got.Data)
	}
	if got.UpdatedAt.IsZero() {
		t.Error("UpdatedAt not set")
	}
	other, err := s.GetCursor(ctx(t), "slack:C1")
	must(t, err)
	if other.Version != 1 || string(other.Data) != `"1700000000.000100"` {
		t.Errorf("slack cursor changed by another source's put: %+v", other)
	}
	mustBe(t, s.PutCursor(ctx(t), store.Cursor{Version: 1}), store.ErrInvalid)
}

func fullTask() connectors.Task {
	return connectors.Task{
		Key: "ACME-1", ID: "10001", ProjectKey: "ACME", Summary: "Audit landing pages",
		Status: "In Progress", StatusCategory: connectors.StatusCategoryInProgress,
		AssigneeAccountID: "acc-seo", DueDate: "2026-10-09",
		OriginalEstimate: connectors.Secs(7200), RemainingEstimate: connectors.Secs(0), // zero is not unset
		Labels: []string{"seo", "monthly"}, IssueType: "Task", ParentKey: "ACME-0",
		Created: at(-48 * time.Hour), Updated: at(-time.Hour),
	}
}

func testTasksRoundTrip(t *testing.T, s store.Store) {
	want := fullTask()
	done := connectors.Task{Key: "ACME-2", ProjectKey: "ACME", StatusCategory: connectors.StatusCategoryDone,
		Created: at(-72 * time.Hour), Updated: at(-2 * time.Hour), Resolved: at(-2 * time.Hour), TimeSpent: connectors.Secs(3600)}
	must(t, s.UpsertTasks(ctx(t), []connectors.Task{want, done}))

	got, err := s.GetTask(ctx(t), "ACME-1")
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if got.TimeSpent != nil || got.RemainingEstimate == nil || *got.RemainingEstimate != 0 {
		t.Errorf("unset and zero estimates must stay distinct: spent=%v remaining=%v", got.TimeSpent, got.RemainingEstimate)
	}
	got2, err := s.GetTask(ctx(t), "ACME-2")
	must(t, err)
	if !reflect.DeepEqual(got2, done) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got2, done)
	}
	_, err = s.GetTask(ctx(t), "ACME-404")
	mustBe(t, err, store.ErrNotFound)

	bad := fullTask()
	bad.Key, bad.DueDate = "ACME-3", "09/10/2026"
	mustBe(t, s.UpsertTasks(ctx(t), []connectors.Task{fullTask(), bad}), store.ErrInvalid)
	if _, err := s.GetTask(ctx(t), "ACME-3"); err == nil {
		t.Error("a batch with an invalid task was partly stored")
	}
}

func testTasksUpsert(t *testing.T, s store.Store) {
	v1 := fullTask()
	must(t, s.UpsertTasks(ctx(t), []connectors.Task{v1}))
	must(t, s.UpsertTasks(ctx(t), []connectors.Task{v1}))
	all, err := s.ListTasks(ctx(t), store.TaskFilter{IncludeDeleted: true})
	must(t, err)
	if len(all) != 1 {
		t.Fatalf("upserting the same task twice stored %d tasks", len(all))
	}

	v2 := v1
	v2.Summary, v2.Updated = "Audit landing pages (v2)", at(0)
	must(t, s.UpsertTasks(ctx(t), []connectors.Task{v2}))
	// An eventually consistent search page can return the older version later.
	must(t, s.UpsertTasks(ctx(t), []connectors.Task{v1}))
	got, err := s.GetTask(ctx(t), v1.Key)
	must(t, err)
	if got.Summary != v2.Summary || !got.Updated.Equal(v2.Updated) {
		t.Errorf("stale record regressed the task: %q updated %v", got.Summary, got.Updated)
	}
}

func testTasksFilter(t *testing.T, s store.Store) {
	mk := func(key, project, cat, assignee, due string) connectors.Task {
		return connectors.Task{Key: key, ID: "id-" + key, ProjectKey: project, StatusCategory: connectors.StatusCategory(cat),
			AssigneeAccountID: assignee, DueDate: due, Updated: at(0)}
	}
	must(t, s.UpsertTasks(ctx(t), []connectors.Task{
		mk("ACME-1", "ACME", "new", "ann", "2026-10-06"),
		mk("ACME-2", "ACME", "indeterminate", "bob", "2026-10-20"),
		mk("ACME-3", "ACME", "done", "ann", "2026-10-01"),
		mk("BETA-1", "BETA", "new", "ann", ""),
		mk("GAMMA-1", "GAMMA", "new", "bob", "2026-10-02"),
		mk("GAMMA-2", "GAMMA", "new", "bob", "2026-10-02"),
	}))
	must(t, s.MarkTasksDeleted(ctx(t), []string{"GAMMA-2", "NOPE-1"}))

	tests := []struct {
		name string
		f    store.TaskFilter
		want []string
	}{
		{"all but deleted", store.TaskFilter{}, []string{"ACME-1", "ACME-2", "ACME-3", "BETA-1", "GAMMA-1"}},
		{"with deleted", store.TaskFilter{IncludeDeleted: true}, []string{"ACME-1", "ACME-2", "ACME-3", "BETA-1", "GAMMA-1", "GAMMA-2"}},
		{"projects", store.TaskFilter{ProjectKeys: []string{"ACME", "BETA"}}, []string{"ACME-1", "ACME-2", "ACME-3", "BETA-1"}},
		{"open only", store.TaskFilter{OpenOnly: true}, []string{"ACME-1", "ACME-2", "BETA-1", "GAMMA-1"}},
		{"assignee", store.TaskFilter{AssigneeAccountID: "ann", OpenOnly: true}, []string{"ACME-1", "BETA-1"}},
		{"due before is strict and skips undated", store.TaskFilter{DueBefore: "2026-10-06"}, []string{"ACME-3", "GAMMA-1"}},
		{"combined", store.TaskFilter{ProjectKeys: []string{"ACME"}, OpenOnly: true, DueBefore: "2026-10-07"}, []string{"ACME-1"}},
		{"no match", store.TaskFilter{ProjectKeys: []string{"ZETA"}}, nil},
		{"ids", store.TaskFilter{IDs: []string{"id-BETA-1", "id-ACME-2", "id-GAMMA-2", "id-NOPE"}}, []string{"ACME-2", "BETA-1"}},
		{"ids with deleted", store.TaskFilter{IDs: []string{"id-GAMMA-2"}, IncludeDeleted: true}, []string{"GAMMA-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListTasks(ctx(t), tt.f)
			must(t, err)
			var keys []string
			for _, task := range got {
				keys = append(keys, task.Key)
			}
			if !slices.Equal(keys, tt.want) {
				t.Errorf("keys = %v, want %v", keys, tt.want)
			}
		})
	}
	g2, err := s.GetTask(ctx(t), "GAMMA-2")
	must(t, err)
	if !g2.Deleted {
		t.Error("GetTask must return deleted tasks flagged as deleted")
	}
}

func testWorklogs(t *testing.T, s store.Store) {
	kyiv := time.FixedZone("UTC+3", 3*3600)
	day := func(h int) time.Time { return time.Date(2026, 10, 5, h, 0, 0, 0, time.UTC) }
	must(t, s.UpsertWorklogs(ctx(t), []connectors.Worklog{
		{ID: "1", IssueKey: "ACME-1", AuthorAccountID: "ann", Started: day(9), Seconds: 3600},
		{ID: "2", IssueKey: "ACME-1", AuthorAccountID: "ann", Started: day(22), Seconds: 1800}, // Oct 6 in UTC+3
		{ID: "3", IssueKey: "ACME-2", AuthorAccountID: "bob", Started: day(10), Seconds: 600},
		{ID: "4", IssueKey: "BETA-9", AuthorAccountID: "ann", Started: day(11), Seconds: 900},
		{ID: "5", IssueKey: "ACME-1", AuthorAccountID: "ann", Started: day(9).AddDate(0, 0, 7), Seconds: 100}, // outside range
	}))
	// Re-syncing an edited worklog replaces it rather than adding to it.
	must(t, s.UpsertWorklogs(ctx(t), []connectors.Worklog{
		{ID: "1", IssueKey: "ACME-1", AuthorAccountID: "ann", Started: day(9), Seconds: 7200},
	}))
	must(t, s.DeleteWorklogs(ctx(t), []string{"3", "missing"}))

	from, to := day(0), day(0).AddDate(0, 0, 2)
	tests := []struct {
		name string
		q    store.WorklogQuery
		want []store.WorklogSum
	}{
		{"total", store.WorklogQuery{From: from, To: to},
			[]store.WorklogSum{{Seconds: 7200 + 1800 + 900}}},
		{"by author and day in UTC", store.WorklogQuery{From: from, To: to, ByAuthor: true, ByDay: true},
			[]store.WorklogSum{{AuthorAccountID: "ann", Day: "2026-10-05", Seconds: 9900}}},
		{"by day in the person's zone", store.WorklogQuery{From: from, To: to, ByDay: true, Location: kyiv},
			[]store.WorklogSum{{Day: "2026-10-05", Seconds: 8100}, {Day: "2026-10-06", Seconds: 1800}}},
		{"by issue for a project", store.WorklogQuery{From: from, To: to, ByIssue: true, ProjectKeys: []string{"ACME"}},
			[]store.WorklogSum{{IssueKey: "ACME-1", Seconds: 9000}}},
		{"by author filter", store.WorklogQuery{From: from, To: to, AuthorAccountIDs: []string{"bob"}}, []store.WorklogSum{}},
		{"half-open range", store.WorklogQuery{From: day(9), To: day(11), ByIssue: true},
			[]store.WorklogSum{{IssueKey: "ACME-1", Seconds: 7200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.SumWorklogs(ctx(t), tt.q)
			must(t, err)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sums = %+v, want %+v", got, tt.want)
			}
		})
	}
	_, err := s.SumWorklogs(ctx(t), store.WorklogQuery{From: to, To: from})
	mustBe(t, err, store.ErrInvalid)
	mustBe(t, s.UpsertWorklogs(ctx(t), []connectors.Worklog{{ID: "9", IssueKey: "ACME-1"}}), store.ErrInvalid)
}

func msg(ch, ts, thread, text string) connectors.Message {
	return connectors.Message{ChannelID: ch, TS: ts, ThreadTS: thread, UserID: "U1", TeamID: "T1", Text: text, ClientID: "acme"}
}

func testMessages(t *testing.T, s store.Store) {
	batch := []connectors.Message{
		msg("C1", "1759654800.000100", "1759654800.000100", "question from client"),
		msg("C1", "1759654900.000200", "1759654800.000100", "reply in thread"),
		msg("C1", "1759655000.000300", "", "unrelated"),
		msg("C2", "1759654850.000100", "", "other channel"),
	}
	must(t, s.UpsertMessages(ctx(t), batch))
	must(t, s.UpsertMessages(ctx(t), batch)) // Slack retries events

	all, err := s.ListMessages(ctx(t), store.MessageFilter{})
	must(t, err)
	if len(all) != 4 {
		t.Fatalf("duplicate events stored %d messages, want 4", len(all))
	}
	got, err := s.GetMessage(ctx(t), "C1", "1759654900.000200")
	must(t, err)
	if !reflect.DeepEqual(got, batch[1]) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, batch[1])
	}
	_, err = s.GetMessage(ctx(t), "C2", "1759654900.000200")
	mustBe(t, err, store.ErrNotFound)

	tests := []struct {
		name string
		f    store.MessageFilter
		want []string
	}{
		{"all by ts", store.MessageFilter{}, []string{"1759654800.000100", "1759654850.000100", "1759654900.000200", "1759655000.000300"}},
		{"channel since ts (exclusive)", store.MessageFilter{ChannelIDs: []string{"C1"}, SinceTS: "1759654800.000100"},
			[]string{"1759654900.000200", "1759655000.000300"}},
		{"limit", store.MessageFilter{ChannelIDs: []string{"C1"}, Limit: 1}, []string{"1759654800.000100"}},
		{"client", store.MessageFilter{ClientID: "other"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListMessages(ctx(t), tt.f)
			must(t, err)
			var tss []string
			for _, m := range got {
				tss = append(tss, m.TS)
			}
			if !slices.Equal(tss, tt.want) {
				t.Errorf("ts = %v, want %v", tss, tt.want)
			}
		})
	}
	thread, err := s.Thread(ctx(t), "C1", "1759654800.000100")
	must(t, err)
	if len(thread) != 2 || thread[0].Text != "question from client" || thread[1].Text != "reply in thread" {
		t.Errorf("thread = %+v, want parent then reply", thread)
	}
}

func testMessageEdits(t *testing.T, s store.Store) {
	orig := msg("C1", "1759654800.000100", "", "v0")
	edit1, edit2 := orig, orig
	edit1.Text, edit1.EditedTS = "v1", "1759654810.000000"
	edit2.Text, edit2.EditedTS = "v2", "1759654820.000000"
	must(t, s.UpsertMessages(ctx(t), []connectors.Message{orig, edit2}))
	must(t, s.UpsertMessages(ctx(t), []connectors.Message{edit1, orig})) // late, out of order
	got, err := s.GetMessage(ctx(t), "C1", orig.TS)
	must(t, err)
	if got.Text != "v2" {
		t.Errorf("text = %q after out-of-order edits, want the latest edit v2", got.Text)
	}

	must(t, s.MarkMessageDeleted(ctx(t), "C1", orig.TS))
	mustBe(t, s.MarkMessageDeleted(ctx(t), "C1", "1.000000"), store.ErrNotFound)
	must(t, s.UpsertMessages(ctx(t), []connectors.Message{edit2})) // a retried event after the delete
	got, err = s.GetMessage(ctx(t), "C1", orig.TS)
	must(t, err)
	if !got.Deleted {
		t.Error("a retried event resurrected a deleted message")
	}
	list, err := s.ListMessages(ctx(t), store.MessageFilter{})
	must(t, err)
	if len(list) != 0 {
		t.Errorf("deleted message listed: %+v", list)
	}
	list, err = s.ListMessages(ctx(t), store.MessageFilter{IncludeDeleted: true})
	must(t, err)
	if len(list) != 1 {
		t.Errorf("IncludeDeleted listed %d messages, want 1", len(list))
	}
	th, err := s.Thread(ctx(t), "C1", orig.TS)
	must(t, err)
	if len(th) != 0 {
		t.Errorf("deleted message in thread: %+v", th)
	}
}
