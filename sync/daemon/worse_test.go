package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
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
		if strings.Contains(m.Text+string(m.Blocks), "Решено") {
			t.Errorf("the AM was told the task was resolved: %q", m.Text)
		}
		if m.ThreadTS == post.TS && m.TS != post.TS {
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
