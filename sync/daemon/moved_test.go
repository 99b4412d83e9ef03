package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/sandbox"
)

// TestTaskMovedToUnownedProjectResolvesWithinOneCycle moves an overdue
// task to a project no client owns: the next `sync --once` resolves its
// alert (edited in place), and no later cycle alerts about it again under
// its old or its new key, without waiting for the slow reconciliation.
func TestTaskMovedToUnownedProjectResolvesWithinOneCycle(t *testing.T) {
	// Tuesday 11:00 in Almaty; Marat works 10:00-19:00 there.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	if _, err := sb.Jira().AddProject(jirafake.Project{Key: "ARCH", Name: "Archive"}); err != nil {
		t.Fatal(err)
	}
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Fix the sitemap",
		Status: "In Progress", DueDate: "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	dm := dmOf(t, app, app.cfg().Person("marat").SlackUserID)
	if _, n := findPost(sb, dm, task.Key); n != 1 {
		t.Fatalf("%d alerts about overdue %s, want 1", n, task.Key)
	}

	clk.Advance(5 * time.Minute)
	moved, err := sb.Jira().MoveIssue(task.Key, "ARCH")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute) // past the connector's consistency lag
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	post, n := findPost(sb, dm, task.Key)
	if n != 1 || post.Edited == nil {
		t.Fatalf("after one cycle: %d alerts about %s, edited %v; want the one alert resolved in place", n, task.Key, post.Edited != nil)
	}
	before := len(botPosts(sb))

	// A day of cycles, past the next repeat of an overdue alert.
	for range 12 {
		clk.Advance(2 * time.Hour)
		if err := syncOnce(app); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{task.Key, moved.Key} {
		if _, n := findPost(sb, dm, key); n > 1 || (key == moved.Key && n > 0) {
			t.Errorf("%d alerts mention %s after it moved to a project no client owns", n, key)
		}
	}
	for _, m := range botPosts(sb)[before:] {
		if strings.Contains(m.Text+string(m.Blocks), task.Key) || strings.Contains(m.Text+string(m.Blocks), moved.Key) {
			t.Errorf("alerted again about the moved task: %q", m.Text)
		}
	}
}

// TestTaskDeletedResolvesWithinOneSyncOnce deletes an overdue task in Jira:
// `sync --once` has no webhook, so it lists the clients' issue keys and the
// next run resolves the alert in place; later runs say nothing more.
func TestTaskDeletedResolvesWithinOneSyncOnce(t *testing.T) {
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Fix the sitemap",
		Status: "In Progress", DueDate: "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	dm := dmOf(t, app, app.cfg().Person("marat").SlackUserID)
	if _, n := findPost(sb, dm, task.Key); n != 1 {
		t.Fatalf("%d alerts about overdue %s, want 1", n, task.Key)
	}
	clk.Advance(5 * time.Minute)
	if err := sb.Jira().DeleteIssue(task.Key); err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	post, n := findPost(sb, dm, task.Key)
	if n != 1 || post.Edited == nil {
		t.Fatalf("after one cycle: %d alerts about %s, edited %v; want the one alert resolved in place", n, task.Key, post.Edited != nil)
	}
	before := len(botPosts(sb))
	for range 12 {
		clk.Advance(2 * time.Hour)
		if err := syncOnce(app); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range botPosts(sb)[before:] {
		if strings.Contains(m.Text+string(m.Blocks), task.Key) {
			t.Errorf("alerted again about the deleted task: %q", m.Text)
		}
	}
}

// TestTaskMovedResolvesInTheDaemonsNextCycle is the same move under the
// daemon's jobs (Jira pull, rules, delivery ticks; alerts grouped as
// configured, not as `sync --once` groups them): the pull after the move
// resolves the alert, and an afternoon of cycles brings nothing back.
func TestTaskMovedResolvesInTheDaemonsNextCycle(t *testing.T) {
	app, sb, clk := sandboxDaemonApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	if _, err := sb.Jira().AddProject(jirafake.Project{Key: "ARCH", Name: "Archive"}); err != nil {
		t.Fatal(err)
	}
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Fix the sitemap",
		Status: "In Progress", DueDate: "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	cycle := func() {
		t.Helper()
		clk.Advance(2 * time.Minute) // the pull's period
		for _, job := range []func(context.Context) error{app.PullJira, app.RunRules, app.Deliver} {
			if err := withPacing(clk, job); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 5 {
		cycle()
	}
	dm := dmOf(t, app, app.cfg().Person("marat").SlackUserID)
	if _, n := findPost(sb, dm, task.Key); n != 1 {
		t.Fatalf("%d alerts about overdue %s, want 1", n, task.Key)
	}
	moved, err := sb.Jira().MoveIssue(task.Key, "ARCH")
	if err != nil {
		t.Fatal(err)
	}
	cycle()
	post, n := findPost(sb, dm, task.Key)
	if n != 1 || post.Edited == nil {
		t.Fatalf("after the next cycle: %d alerts about %s, edited %v; want the one alert resolved in place", n, task.Key, post.Edited != nil)
	}
	before := len(botPosts(sb))
	for range 90 { // three hours
		cycle()
	}
	for _, m := range botPosts(sb)[before:] {
		if m.ThreadTS == post.TS {
			continue // the resolution's note in the alert's thread
		}
		if strings.Contains(m.Text+string(m.Blocks), task.Key) || strings.Contains(m.Text+string(m.Blocks), moved.Key) {
			t.Errorf("alerted again about the moved task: %q", m.Text)
		}
	}
}

// sandboxDaemonApp is sandboxApp for the long-running daemon rather than a
// single `sync --once` cycle.
func sandboxDaemonApp(t *testing.T, now time.Time) (*App, *sandbox.Sandbox, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(now)
	app, sb := newSandboxApp(t, clk, sandbox.Options{}, false)
	return app, sb, clk
}
