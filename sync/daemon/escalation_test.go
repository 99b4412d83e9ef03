package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// TestEscalationLineNamesWhoAndWhen: an AM's alert about a task overdue
// long enough to escalate says who it escalates to and when, not that it
// did; once the head has it, the alert says so.
func TestEscalationLineNamesWhoAndWhen(t *testing.T) {
	// Tuesday 11:00 in Almaty; Marat works 10:00-19:00 there.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	cfg := app.cfg()
	cfg.Delivery.Routes = append([]deliver.Route{{Rule: "deadline", Severity: "critical",
		Recipients: []string{deliver.RecipientAccountManager}, EscalateTo: []string{deliver.RecipientHead}, EscalateAfter: 16 * time.Hour}},
		cfg.Delivery.Routes...)
	// Due last Thursday: Friday and Monday have passed, two working days.
	task, err := sb.Jira().PutIssue(jirafake.Issue{Project: "STEP", Summary: "Fix the feed errors",
		Status: "In Progress", DueDate: "2026-11-26"})
	if err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	dm := dmOf(t, app, cfg.Person("marat").SlackUserID)
	post, n := findPost(sb, dm, task.Key)
	// 16 of Marat's working hours from Tuesday 11:00 end on Wednesday at
	// 18:00 in Almaty, 15:00 in Kyiv, inside Olena's hours.
	const will = "будет эскалировано: Olena Kovalenko, ср, 2 дек., 18:00"
	if line := lineOf(post.Text, task.Key); n != 1 || !strings.Contains(line, will) {
		t.Fatalf("%d alerts; the line about %s is %q, want it to say %q", n, task.Key, line, will)
	}
	head := dmOf(t, app, cfg.Person("olena").SlackUserID)
	if _, got := findPost(sb, head, task.Key); got != 0 {
		t.Fatalf("the head has %d alerts about %s before the escalation is due", got, task.Key)
	}

	clk.Set(time.Date(2026, 12, 2, 13, 1, 0, 0, time.UTC)) // Wednesday 18:01 in Almaty
	for range 3 {
		if err := syncOnce(app); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	if _, n := findPost(sb, head, task.Key); n != 1 {
		t.Fatalf("the head got %d alerts about %s, want the escalation", n, task.Key)
	}
	post, _ = findPost(sb, dm, task.Key)
	if line := lineOf(post.Text, task.Key); !strings.Contains(line, "эскалировано: Olena Kovalenko, ср, 2 дек., 18:0") || strings.Contains(line, "будет") {
		t.Errorf("after the escalation the AM's line is %q, want it to say it escalated", line)
	}
}
