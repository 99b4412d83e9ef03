package slackfake

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// TestUserEditsAndDeletes: a person's edit and deletion change history as
// in Slack and are delivered as message_changed and message_deleted events
// that follow Slack's Events API spec; only the author may do either.
func TestUserEditsAndDeletes(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	srv, _ := NewServer(t, &Options{Clock: clk, DisableSocketMode: true})
	parent, err := srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: ClientUserID, Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: ClientUserID, Text: "and one more", ThreadTS: parent.TS})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)

	if _, err := srv.EditUserMessage(SharedChanID, parent.TS, AMUserID, "not mine"); err == nil || !strings.Contains(err.Error(), "only its author") {
		t.Errorf("editing someone else's message: %v", err)
	}
	edited, err := srv.EditUserMessage(SharedChanID, parent.TS, ClientUserID, "<@"+SEOUserID+"> hi")
	if err != nil {
		t.Fatal(err)
	}
	if edited.Edited == nil || edited.Edited.User != ClientUserID || len(edited.Revisions) != 1 || edited.Revisions[0].Text != "hi" {
		t.Errorf("edited message %+v", edited)
	}
	var ev struct {
		Event struct {
			Subtype string `json:"subtype"`
			Message struct {
				Text   string              `json:"text"`
				TS     string              `json:"ts"`
				Edited struct{ TS string } `json:"edited"`
			} `json:"message"`
			Previous struct {
				Text string `json:"text"`
			} `json:"previous_message"`
			DeletedTS string `json:"deleted_ts"`
		} `json:"event"`
	}
	last := func() {
		t.Helper()
		ds := srv.Deliveries()
		if err := json.Unmarshal(ds[len(ds)-1].Payload, &ev); err != nil {
			t.Fatal(err)
		}
	}
	last()
	if ev.Event.Subtype != "message_changed" || ev.Event.Message.TS != parent.TS || ev.Event.Previous.Text != "hi" ||
		ev.Event.Message.Edited.TS == "" || !strings.Contains(ev.Event.Message.Text, SEOUserID) {
		t.Errorf("message_changed event %+v", ev.Event)
	}

	if err := srv.DeleteUserMessage(SharedChanID, reply.TS, ClientUserID); err != nil {
		t.Fatal(err)
	}
	last()
	if ev.Event.Subtype != "message_deleted" || ev.Event.DeletedTS != reply.TS || ev.Event.Previous.Text != "and one more" {
		t.Errorf("message_deleted event %+v", ev.Event)
	}
	if _, ok := srv.Message(SharedChanID, reply.TS); ok {
		t.Error("the deleted reply is still in history")
	}
	if p, _ := srv.Message(SharedChanID, parent.TS); len(p.Replies) != 0 {
		t.Errorf("the parent still lists replies %v", p.Replies)
	}
	if err := srv.DeleteUserMessage(SharedChanID, reply.TS, ClientUserID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting it again: %v, want not found", err)
	}
	checkConformance(t, srv)
}
