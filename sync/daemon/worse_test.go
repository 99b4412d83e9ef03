package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestDueTodayBecomesOverdueInPlace: a task due today is one finding that
// gets worse at midnight. The AM's alert about it is edited in place to say
// it is overdue, with a note in its thread; nothing says it was resolved
// and no second alert is posted.
func TestDueTodayBecomesOverdueInPlace(t *testing.T) {
	// Tuesday 11:00 in Almaty; Marat works 10:00-19:00 there.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Send the November invoice data",
		Status: "In Progress", DueDate: "2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	dm := dmOf(t, app, app.cfg().Person("marat").SlackUserID)
	post, n := findPost(sb, dm, task.Key)
	// Marat reads Russian: "срок сегодня" is "due today".
	if n != 1 || !strings.Contains(lineOf(post.Text, task.Key), "срок сегодня") {
		t.Fatalf("%d alerts about %s, want 1 saying it is due today; got %q", n, task.Key, post.Text)
	}

	// Wednesday 11:00 in Almaty: the due day has passed.
	clk.Set(time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC))
	for range 3 {
		if err := syncOnce(app); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
	post, n = findPost(sb, dm, task.Key)
	if n != 1 {
		t.Fatalf("%d alerts about %s after it became overdue, want the same 1", n, task.Key)
	}
	if post.Edited == nil || !strings.Contains(lineOf(post.Text, task.Key), "срок был вчера") {
		t.Errorf("the alert was not edited to say the task is overdue: edited %v, text %q", post.Edited != nil, post.Text)
	}
	var notes []string
	for _, m := range sb.Slack().Messages(dm) {
		// Other rules' findings may share the AM's messages: judge only
		// what is said about this task.
		if strings.Contains(lineOf(m.Text, task.Key), "Решено") {
			t.Errorf("the AM was told the task was resolved: %q", m.Text)
		}
		if m.ThreadTS == post.TS && m.TS != post.TS && strings.Contains(m.Text, task.Key) {
			notes = append(notes, m.Text)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Теперь: "+task.Key) || !strings.Contains(notes[0], "срок был вчера") {
		t.Errorf("thread notes %q, want one saying the task is now overdue", notes)
	}
}

// lineOf returns the line of a message's text that mentions needle.
func lineOf(text, needle string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, needle) {
			return l
		}
	}
	return ""
}

// TestUpgradeKeepsOpenDeadlineFindings: an installation upgraded with a
// due-soon finding open under the key earlier versions built (the kind was
// part of it) keeps that finding: the first cycle neither resolves it nor
// alerts about the task again, and when the task becomes overdue the same
// finding gets worse.
func TestUpgradeKeepsOpenDeadlineFindings(t *testing.T) {
	// Tuesday 11:00 in Almaty.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Send the November invoice data",
		Status: "In Progress", DueDate: "2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	subj := rules.Subject{Kind: rules.SubjectTask, ID: task.Key}
	oldKey := rules.Key(deadline.RuleName, "steppe-foods", subj, deadline.KindDueSoon+":2026-12-01")
	if _, err := app.st.UpsertFinding(ctx, rules.Finding{Key: oldKey, Rule: deadline.RuleName, ClientID: "steppe-foods",
		Subject: subj, Severity: rules.SeverityWarning, Title: task.Key + " is due 2026-12-01",
		Fields:    map[string]string{deadline.FieldKind: deadline.KindDueSoon, deadline.FieldDueDate: "2026-12-01", deadline.FieldTaskKey: task.Key},
		FirstSeen: clk.Now().Add(-time.Hour), LastSeen: clk.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// The AM was told an hour ago.
	if err := app.st.PutNotification(ctx, store.Notification{FindingKey: oldKey, Recipient: "marat", State: store.NotifySent,
		Reason: "new", SentAt: clk.Now().Add(-time.Hour), DueAt: clk.Now().Add(23 * time.Hour), CreatedAt: clk.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	open := func() []rules.Finding {
		fs, err := app.st.ListOpenFindings(ctx, store.FindingFilter{Rule: deadline.RuleName, ClientID: "steppe-foods"})
		if err != nil {
			t.Fatal(err)
		}
		var out []rules.Finding
		for _, f := range fs {
			if f.Subject.ID == task.Key {
				out = append(out, f)
			}
		}
		return out
	}
	if fs := open(); len(fs) != 1 || fs[0].Key != oldKey {
		t.Fatalf("open findings about %s after the upgrade: %+v; want the one under its old key", task.Key, fs)
	}
	dm := dmOf(t, app, app.cfg().Person("marat").SlackUserID)
	if _, n := findPost(sb, dm, task.Key); n != 0 {
		t.Errorf("%d new alerts about %s after the upgrade, want none: it was alerted before", n, task.Key)
	}

	clk.Set(time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)) // Wednesday: overdue
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	if fs := open(); len(fs) != 1 || fs[0].Key != oldKey || fs[0].Fields[deadline.FieldKind] != deadline.KindOverdue {
		t.Errorf("after the task became overdue: %+v; want the same finding, now overdue", fs)
	}
}
