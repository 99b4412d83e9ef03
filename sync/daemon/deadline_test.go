package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// TestDueSoonAlertResolvesWhenDone is the Jira issue's end-to-end check: a
// task due tomorrow for a client in Asia/Almaty yields one due-soon alert to
// its AM within the AM's working hours; marking it done in Jira resolves it
// and the alert is edited in place, with a note in its thread.
func TestDueSoonAlertResolvesWhenDone(t *testing.T) {
	// Tuesday 11:00 in Almaty; Marat works 10:00-19:00 there.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Prepare the December media plan",
		Status: "In Progress", DueDate: "2026-12-02"})
	if err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	dm := dmOf(t, app, app.cfg().Person("marat").SlackUserID)
	post, n := findPost(sb, dm, task.Key)
	if n != 1 {
		t.Fatalf("%d alerts about %s in the AM's DM, want 1", n, task.Key)
	}
	if post.Edited != nil {
		t.Fatal("the alert was edited before anything changed")
	}

	clk.Advance(5 * time.Minute)
	if _, err := sb.Jira().UpdateIssue(task.Key, func(is *jirafake.Issue) { is.Status = "Done" }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute) // past the connector's consistency lag
	for range 3 {
		if err := syncOnce(app); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
	post, n = findPost(sb, dm, task.Key)
	if n != 1 {
		t.Fatalf("%d alerts about %s after it was done, want the same 1", n, task.Key)
	}
	if post.Edited == nil {
		t.Fatal("the alert was not updated when its task was done")
	}
	var notes int
	for _, m := range sb.Slack().Messages(dm) {
		if m.ThreadTS == post.TS && m.TS != post.TS {
			notes++
		}
	}
	if notes == 0 {
		t.Error("no note in the alert's thread about the resolution")
	}
}

// findPost returns the bot's top-level post in channel that mentions needle,
// and how many such posts there are.
func findPost(sb interface{ Slack() *slackfake.Server }, channel, needle string) (slackfake.Message, int) {
	var found slackfake.Message
	n := 0
	for _, m := range sb.Slack().Messages(channel) {
		if m.User != slackfake.BotUserID || (m.ThreadTS != "" && m.ThreadTS != m.TS) {
			continue
		}
		if strings.Contains(m.Text+string(m.Blocks), needle) {
			found, n = m, n+1
		}
	}
	return found, n
}
