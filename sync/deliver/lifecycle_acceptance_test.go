package deliver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

func TestResolvedFindingEditsItsMessage(t *testing.T) {
	h := newHarness(t, monday10(t))
	f := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	g := deliver.MakeFinding("deadline", "acme", "ACME-2", rules.SeverityWarning)
	h.reconcile("deadline", f, g)
	h.clk.Advance(30 * time.Second)
	h.tick()
	dm := h.dm(slackfake.AMUserID)
	posts := h.posts(dm)
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	ts := posts[0].TS

	h.clk.Advance(time.Hour)
	if res := h.reconcile("deadline", g); res.Resolved != 1 {
		t.Fatalf("resolved %d, want 1", res.Resolved)
	}
	h.settle()
	if n := h.fake.CallCount("chat.update"); n != 1 {
		t.Errorf("chat.update called %d times, want 1", n)
	}
	m, _ := h.fake.Message(dm, ts)
	if m.Edited == nil || !strings.Contains(string(m.Blocks), "~ACME-1 is overdue~") || strings.Contains(string(m.Blocks), "~ACME-2") {
		t.Errorf("edited message does not show ACME-1 (only) resolved: edited=%v blocks=%s", m.Edited != nil, m.Blocks)
	}
	var notes []string
	for _, r := range h.fake.Messages(dm) {
		if r.ThreadTS == ts && r.TS != ts {
			notes = append(notes, r.Text)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Resolved: ACME-1 is overdue") {
		t.Errorf("thread notes = %q, want one saying ACME-1 resolved", notes)
	}
	if n := len(h.posts(dm)); n != 1 {
		t.Errorf("%d top-level posts after resolution, want still 1", n)
	}
}

func TestRepeatAfterRepeatIntervalOfWorkingTime(t *testing.T) {
	h := newHarness(t, monday10(t).Add(-time.Hour)) // Monday 09:00
	h.reconcile("deadline", deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning))
	h.clk.Advance(30 * time.Second)
	h.tick() // posted Monday 09:00:30
	dm := h.dm(slackfake.AMUserID)
	// 24 working hours of 9-hour days after Mon 09:00:30 is Wed 15:00:30.
	repeatAt := time.Date(2026, 10, 7, 15, 0, 30, 0, deliver.Kyiv(t))
	for _, at := range []time.Time{
		time.Date(2026, 10, 6, 9, 0, 30, 0, deliver.Kyiv(t)), // 24 h of wall time: too early
		repeatAt.Add(-time.Second),
	} {
		h.clk.Set(at)
		h.tick()
		h.tick()
		if n := len(h.posts(dm)); n != 1 {
			t.Fatalf("%d posts by %s; the repeat is due %s", n, h.clk.Now(), repeatAt)
		}
	}
	h.clk.Set(repeatAt)
	h.tick()
	h.clk.Advance(30 * time.Second) // group_wait of the repeat
	h.tick()
	posts := h.posts(dm)
	if len(posts) != 2 || !strings.Contains(string(posts[1].Blocks), "Reminder") {
		t.Fatalf("%d posts after %s, want a reminder as the second", len(posts), repeatAt)
	}
}

func TestSilenceSuppressesAndExpiryRestores(t *testing.T) {
	h := newHarness(t, monday10(t))
	now := h.clk.Now()
	id, err := deliver.AddSilence(t.Context(), h.st, now, store.Silence{Rule: "deadline", ClientID: "acme", EndsAt: now.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	h.reconcile("deadline", deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning))
	h.reconcile("response", deliver.MakeFinding("response", "acme", "ACME-9", rules.SeverityWarning))
	for range 10 {
		h.clk.Advance(10 * time.Minute)
		h.tick()
	}
	dm := h.dm(slackfake.AMUserID)
	if posts := h.posts(dm); len(posts) != 1 || !strings.Contains(posts[0].Text, "ACME-9") {
		t.Fatalf("while silenced: posts %q, want only the unsilenced ACME-9", texts(posts))
	}
	if err := deliver.ExpireSilence(t.Context(), h.st, id, "cli", h.clk.Now()); err != nil {
		t.Fatal(err)
	}
	h.tick()
	if posts := h.posts(dm); len(posts) != 2 || !strings.Contains(posts[1].Text, "ACME-1") {
		t.Fatalf("after expiry: posts %q, want ACME-1 delivered", texts(posts))
	}
	if _, err := deliver.AddSilence(t.Context(), h.st, now, store.Silence{EndsAt: now.Add(time.Hour)}); err == nil {
		t.Error("a silence without matchers was accepted")
	}
}

func TestSilenceEndingOnItsOwnRestores(t *testing.T) {
	h := newHarness(t, monday10(t))
	f := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	end := h.clk.Now().Add(time.Hour)
	if _, err := deliver.AddSilence(t.Context(), h.st, h.clk.Now(), store.Silence{FindingKey: f.Key, EndsAt: end}); err != nil {
		t.Fatal(err)
	}
	h.reconcile("deadline", f)
	h.clk.Set(end.Add(-time.Second))
	h.tick()
	dm := h.dm(slackfake.AMUserID)
	if n := len(h.posts(dm)); n != 0 {
		t.Fatalf("%d posts while silenced", n)
	}
	h.clk.Set(end)
	h.tick()
	if n := len(h.posts(dm)); n != 1 {
		t.Fatalf("%d posts once the silence ended, want 1", n)
	}
}

func TestAcknowledgeStopsRepeatAndEscalation(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.dir.Cfg.Routes = []deliver.Route{{Rule: "deadline", Recipients: []string{"account_manager"},
		EscalateTo: []string{"head"}, EscalateAfter: 4 * time.Hour}}
	f := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	g := deliver.MakeFinding("deadline", "acme", "ACME-2", rules.SeverityWarning)
	h.reconcile("deadline", f)
	h.clk.Advance(time.Minute)
	h.reconcile("deadline", f, g)
	h.clk.Advance(30 * time.Second)
	h.tick()
	dm := h.dm(slackfake.AMUserID)
	posts := h.posts(dm)
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	// The AM's alert says who hears of each finding, and when.
	for _, want := range []string{"ACME-1 is overdue · escalates to Helen on Mon 5 Oct, 14:00",
		"ACME-2 is overdue · escalates to Helen on Mon 5 Oct, 14:01"} {
		if !strings.Contains(posts[0].Text, want) {
			t.Errorf("the alert does not say %q:\n%s", want, posts[0].Text)
		}
	}
	if _, err := h.fake.ClickButton(dm, posts[0].TS, slackfake.AMUserID, deliver.ActionAcknowledge); err != nil {
		t.Fatal(err)
	}
	// The Socket Mode runner would hand the click over; the test does.
	if err := h.d.HandleAction(t.Context(), deliver.Action{ActionID: deliver.ActionAcknowledge, Value: f.Key,
		UserID: slackfake.AMUserID, ChannelID: dm, MessageTS: posts[0].TS}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	m, _ := h.fake.Message(dm, posts[0].TS)
	if m.Edited == nil || !strings.Contains(blockText(m.Blocks), "Acknowledged by <@"+slackfake.AMUserID+">") {
		t.Errorf("message not updated with the acknowledgement: %s", m.Blocks)
	}
	// Escalation after 4 working hours (14:01 Monday): only ACME-2 reaches the head.
	h.clk.Set(time.Date(2026, 10, 5, 14, 5, 0, 0, deliver.Kyiv(t)))
	h.tick()
	h.clk.Advance(time.Minute)
	h.tick()
	head := h.posts(h.dm(slackfake.HeadUserID))
	if len(head) != 1 || strings.Contains(head[0].Text, "ACME-1") || !strings.Contains(head[0].Text, "ACME-2") {
		t.Fatalf("head got %q, want one escalation of ACME-2 only", texts(head))
	}
	if !strings.Contains(string(head[0].Blocks), "Escalated") {
		t.Errorf("escalation not marked as such: %s", head[0].Blocks)
	}
	// The AM's alert no longer promises ACME-1's escalation, which the
	// acknowledgement stopped, and says ACME-2's happened.
	h.settle()
	m, _ = h.fake.Message(dm, posts[0].TS)
	if strings.Contains(m.Text, "ACME-1 is overdue · escalate") || !strings.Contains(m.Text, "ACME-2 is overdue · escalated to Helen on Mon 5 Oct, 14:06") {
		t.Errorf("after the escalation the AM's alert says:\n%s", m.Text)
	}
	// Three working days later only ACME-2 is repeated to the AM.
	h.clk.Set(time.Date(2026, 10, 8, 16, 0, 0, 0, deliver.Kyiv(t)))
	h.tick()
	h.clk.Advance(time.Minute)
	h.tick()
	posts = h.posts(dm)
	if len(posts) != 2 || strings.Contains(posts[1].Text, "ACME-1") || !strings.Contains(posts[1].Text, "ACME-2") {
		t.Fatalf("AM posts %q, want a reminder of ACME-2 only", texts(posts))
	}
}

func TestSnoozeSilencesForADay(t *testing.T) {
	h := newHarness(t, monday10(t))
	f := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	h.reconcile("deadline", f)
	h.clk.Advance(30 * time.Second)
	h.tick()
	dm := h.dm(slackfake.AMUserID)
	post := h.posts(dm)[0]
	if err := h.d.HandleAction(t.Context(), deliver.Action{ActionID: deliver.ActionSnooze, Value: f.Key,
		UserID: slackfake.AMUserID, ChannelID: dm, MessageTS: post.TS}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	ss, err := deliver.ListSilences(t.Context(), h.st, h.clk.Now())
	if err != nil || len(ss) != 1 || ss[0].FindingKey != f.Key || ss[0].EndsAt.Sub(ss[0].StartsAt) != deliver.SnoozeFor {
		t.Fatalf("silences = %+v, %v; want one 24 h silence of the finding", ss, err)
	}
	if m, _ := h.fake.Message(dm, post.TS); !strings.Contains(string(m.Blocks), "Snoozed until") {
		t.Errorf("message not updated with the snooze: %s", m.Blocks)
	}
	if err := h.d.HandleAction(t.Context(), deliver.Action{ActionID: "delete_everything", Value: f.Key, UserID: "U1"}); err == nil {
		t.Error("unknown action accepted")
	}
}
