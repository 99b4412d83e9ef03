package deliver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// An event-driven rule records its finding and its replies together; the
// replies go out at once (even at night: they answer someone who just
// wrote), exactly once however often the event is recorded, and recording
// never resolves the rule's other findings.
func TestRecordSendsRepliesOnceAndResolvesNothing(t *testing.T) {
	// Saturday 23:00 Kyiv: nobody works, replies still go.
	h := newHarness(t, time.Date(2026, 12, 5, 21, 0, 0, 0, time.UTC))
	ctx := t.Context()
	clientMsg, err := h.fake.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID, Text: "<@" + slackfake.SEOUserID + "> budget?"})
	if err != nil {
		t.Fatal(err)
	}
	first := deliver.MakeFinding("redirect", "acme", "C/1", rules.SeverityWarning)
	if _, err := h.d.Record(ctx, "redirect", []rules.Finding{first}, nil, h.clk.Now()); err != nil {
		t.Fatal(err)
	}
	second := deliver.MakeFinding("redirect", "acme", "C/2", rules.SeverityWarning)
	replies := []deliver.Reply{
		{Key: "redirect/C/2/client", Channel: slackfake.SharedChanID, ThreadTS: clientMsg.TS, Text: "Your AM will answer", FindingKey: second.Key},
		{Key: "redirect/C/2/specialist", Channel: slackfake.SharedChanID, User: slackfake.SEOUserID, Text: "No need to answer", FindingKey: second.Key},
	}
	for range 2 { // Slack redelivers events: recording twice must change nothing
		res, err := h.d.Record(ctx, "redirect", []rules.Finding{second}, replies, h.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if res.Resolved != 0 {
			t.Fatalf("Record resolved %d findings", res.Resolved)
		}
		h.tick()
		h.clk.Advance(2 * time.Second) // one post per second per channel
		h.tick()
	}
	if f, err := h.st.GetFinding(ctx, first.Key); err != nil || !f.Open() {
		t.Fatalf("the first finding was resolved by recording the second (err %v)", err)
	}
	var inThread int
	for _, m := range h.fake.Messages(slackfake.SharedChanID) {
		if m.ThreadTS == clientMsg.TS && m.User == slackfake.BotUserID {
			inThread++
			if m.Text != "Your AM will answer" {
				t.Errorf("thread reply text %q", m.Text)
			}
		}
	}
	if inThread != 1 {
		t.Errorf("%d thread replies, want exactly 1", inThread)
	}
	var notes int
	for _, m := range h.fake.Ephemerals() {
		if m.EphemeralUser == slackfake.SEOUserID && m.Text == "No need to answer" {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("%d private notes to the specialist, want 1", notes)
	}
}

// A reply to a person goes to their DM, with its blocks, and waits for
// NotBefore (the engine sets it to their next working moment).
func TestReplyToPersonWaitsForNotBefore(t *testing.T) {
	sat := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	mon := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC) // 09:00 Kyiv
	h := newHarness(t, sat)
	blocks := []byte(`[{"type":"section","text":{"type":"mrkdwn","text":"*Weekly workload*"}}]`)
	r := deliver.Reply{Key: "digest/helen/2026-W50", Person: "helen", Text: "Weekly workload", Blocks: blocks, NotBefore: mon}
	if _, err := h.d.Record(t.Context(), "workload", nil, []deliver.Reply{r}, h.clk.Now()); err != nil {
		t.Fatal(err)
	}
	h.tick()
	dm := h.dm(slackfake.HeadUserID)
	if n := len(h.fake.Messages(dm)); n != 0 {
		t.Fatalf("sent %d messages before NotBefore", n)
	}
	h.clk.Set(mon)
	h.tick()
	msgs := h.fake.Messages(dm)
	if len(msgs) != 1 || msgs[0].Text != "Weekly workload" || !strings.Contains(string(msgs[0].Blocks), "Weekly workload") {
		t.Fatalf("head's DM after NotBefore: %+v", msgs)
	}
}
