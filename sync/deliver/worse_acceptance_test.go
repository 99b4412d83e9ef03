package deliver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// TestFindingThatGotWorseIsUpdatedInPlace: a finding that changes kind
// keeps its key and its message. The post is edited to show it as it is
// now, its thread says what it became, nothing is resolved and no second
// alert is posted.
func TestFindingThatGotWorseIsUpdatedInPlace(t *testing.T) {
	h := newHarness(t, monday10(t))
	f := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	f.Title, f.Fields["kind"] = "ACME-1 is due today", "due_soon"
	h.reconcile("deadline", f)
	h.clk.Advance(30 * time.Second)
	h.tick()
	dm := h.dm(slackfake.AMUserID)
	if n := len(h.posts(dm)); n != 1 {
		t.Fatalf("%d posts, want 1", n)
	}
	ts := h.posts(dm)[0].TS

	h.clk.Advance(time.Hour)
	f.Title, f.Fields["kind"] = "ACME-1 is overdue", "overdue"
	res := h.reconcile("deadline", f)
	if res.Changed != 1 || res.Resolved != 0 || res.New != 0 {
		t.Fatalf("reconcile: %+v, want one changed finding", res)
	}
	h.settle()
	if n := len(h.posts(dm)); n != 1 {
		t.Errorf("%d top-level posts, want still 1", n)
	}
	m, _ := h.fake.Message(dm, ts)
	if m.Edited == nil || !strings.Contains(m.Text, "ACME-1 is overdue") {
		t.Errorf("post not edited to the new state: edited=%v text=%q", m.Edited != nil, m.Text)
	}
	var notes []string
	for _, r := range h.fake.Messages(dm) {
		if strings.Contains(r.Text, "Resolved") {
			t.Errorf("the AM was told of a resolution: %q", r.Text)
		}
		if r.ThreadTS == ts && r.TS != ts {
			notes = append(notes, r.Text)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Now: ACME-1 is overdue") {
		t.Errorf("thread notes %q, want one saying what the finding became", notes)
	}

	// Another run with nothing new changes nothing.
	h.clk.Advance(time.Minute)
	if res := h.reconcile("deadline", f); res.Unchanged != 1 {
		t.Errorf("a repeated run: %+v, want unchanged", res)
	}
	h.settle()
	if n := h.fake.CallCount("chat.update"); n != 1 {
		t.Errorf("chat.update called %d times, want 1", n)
	}
}

// TestFormerKeyContinuesOpenFinding is the upgrade path: an installation
// holds a finding open under the key an earlier version built. The rule now
// emits it under a new key naming the old one; the stored finding goes on
// under its old key, so nobody hears it resolved or sees it alerted again.
func TestFormerKeyContinuesOpenFinding(t *testing.T) {
	h := newHarness(t, monday10(t))
	old := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	h.reconcile("deadline", old)
	h.clk.Advance(30 * time.Second)
	h.tick()
	dm := h.dm(slackfake.AMUserID)

	h.clk.Advance(time.Hour)
	now := old
	now.Key = rules.Key("deadline", "acme", old.Subject, "due:2026-10-01")
	now.FormerKinds = []string{"due_soon", "overdue"} // MakeFinding keys by "overdue"
	res := h.reconcile("deadline", now)
	if res.New != 0 || res.Resolved != 0 || res.Unchanged != 1 {
		t.Fatalf("reconcile after the upgrade: %+v, want the old finding unchanged", res)
	}
	if _, err := h.st.GetFinding(t.Context(), now.Key); err == nil {
		t.Error("the finding was stored again under its new key")
	}
	if got, err := h.st.GetFinding(t.Context(), old.Key); err != nil || !got.Open() {
		t.Errorf("the finding under its former key: %+v, %v; want open", got, err)
	}
	// Record, for event-driven rules, continues it the same way.
	if res, err := h.d.Record(t.Context(), "deadline", []rules.Finding{now}, nil, h.clk.Now()); err != nil || res.New != 0 {
		t.Errorf("record after the upgrade: %+v, %v; want no new finding", res, err)
	}
	h.settle()
	if n := len(h.posts(dm)); n != 1 || h.fake.CallCount("chat.update") != 0 {
		t.Errorf("%d posts and %d updates after the upgrade, want the first post untouched", n, h.fake.CallCount("chat.update"))
	}
}

// TestWorseNoteWaitsForWorkingHours: a finding that gets worse at night
// has its post edited at once (silently), while the note in its thread
// waits for the AM's next working moment.
func TestWorseNoteWaitsForWorkingHours(t *testing.T) {
	h := newHarness(t, monday10(t))
	f := deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	f.Title, f.Fields["kind"] = "ACME-1 is due today", "due_soon"
	h.reconcile("deadline", f)
	h.clk.Advance(30 * time.Second)
	h.tick()
	dm := h.dm(slackfake.AMUserID)
	ts := h.posts(dm)[0].TS

	h.clk.Set(time.Date(2026, 10, 6, 0, 0, 5, 0, deliver.Kyiv(t))) // Tuesday just after midnight
	f.Title, f.Fields["kind"] = "ACME-1 is overdue", "overdue"
	h.reconcile("deadline", f)
	h.settle()
	if m, _ := h.fake.Message(dm, ts); m.Edited == nil || !strings.Contains(m.Text, "ACME-1 is overdue") {
		t.Errorf("the post was not edited at once: %q", m.Text)
	}
	notes := func() int {
		n := 0
		for _, r := range h.fake.Messages(dm) {
			if r.ThreadTS == ts && r.TS != ts {
				n++
			}
		}
		return n
	}
	if n := notes(); n != 0 {
		t.Fatalf("%d notes in the thread at night, want none before working hours", n)
	}
	h.clk.Set(time.Date(2026, 10, 6, 9, 0, 0, 0, deliver.Kyiv(t)))
	h.settle()
	if n := notes(); n != 1 {
		t.Errorf("%d notes at 09:00, want the one saying what it became", n)
	}
}
