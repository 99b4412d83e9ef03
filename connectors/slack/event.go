package slack

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/liaisonhq/liaison/connectors"
)

// EventKind says what happened in Slack, in Liaison's words.
type EventKind string

// Event kinds. Slack's message subtypes map onto them: a plain message, a
// thread_broadcast, a bot_message, file_share or me_message is KindMessage
// (Subtype tells which); message_changed and message_deleted have their own
// kinds; channel_join (and member_joined_channel, if subscribed) is
// KindMemberJoined. Other subtypes (topic changes, pins...) are dropped.
const (
	KindMessage        EventKind = "message"
	KindMessageChanged EventKind = "message_changed"
	KindMessageDeleted EventKind = "message_deleted"
	KindReactionAdded  EventKind = "reaction_added"
	KindAppMention     EventKind = "app_mention"
	KindMemberJoined   EventKind = "member_joined"
)

// Event is one Slack event, vendor-neutral, as the rules consume it.
//
// Messages from bots, ours included, are delivered: BotID is set on them
// and Own on ours, so that rules decide what to ignore (the response rule
// must not count our own notices as the agency's answer; the redirect rule
// must not react to them).
type Event struct {
	Kind EventKind
	// EventID is Slack's event_id, unique per event across retries.
	EventID string
	// EventTime is when Slack saw the event.
	EventTime time.Time
	// TeamID is the workspace the event was delivered for (ours).
	TeamID string
	// Channel and ChannelType ("channel", "group", "im", "mpim").
	Channel     string
	ChannelType string
	// ExtShared is set for Slack Connect channels.
	ExtShared bool
	// User is the author (message, mention), the reactor (reaction) or the
	// member who joined.
	User string
	// UserTeam is the author's workspace when Slack says so (Slack Connect);
	// empty means ours, or unknown: UserInfo settles it.
	UserTeam string
	// BotID is set when an app posted the message; Own when that app is us.
	BotID string
	Own   bool
	// TS is the message's ts: the new message, the edited one (for
	// KindMessageChanged) or the deleted one (KindMessageDeleted).
	TS       string
	ThreadTS string
	Text     string
	Subtype  string
	// PreviousText is the text before an edit.
	PreviousText string
	// EditedTS is when an edit happened (KindMessageChanged).
	EditedTS string
	// Reaction, ItemTS and ItemUser describe a reaction: the emoji (without
	// colons), the message it is on and that message's author.
	Reaction string
	ItemTS   string
	ItemUser string
	// Inviter is who added the member (KindMemberJoined), when known.
	Inviter string
}

// Record returns a message event as the shared connectors.Message.
func (e Event) Record() connectors.Message {
	return connectors.Message{ChannelID: e.Channel, TS: e.TS, ThreadTS: e.ThreadTS, UserID: e.User, TeamID: e.UserTeam,
		Text: e.Text, Subtype: e.Subtype, EditedTS: e.EditedTS, Deleted: e.Kind == KindMessageDeleted}
}

// Action is one click on an interactive element of our messages
// (block_actions).
type Action struct {
	ActionID string
	BlockID  string
	// Value is the element's value (our finding key, for buttons).
	Value string
	// UserID clicked; TeamID is their workspace.
	UserID    string
	TeamID    string
	ChannelID string
	// MessageTS is the message holding the element; ThreadTS its thread.
	MessageTS string
	ThreadTS  string
	// Ephemeral is set when the element was on an ephemeral message.
	Ephemeral bool
	// ResponseURL accepts replies for 30 minutes; TriggerID opens a modal
	// within 3 seconds. Both are bearer capabilities: do not log them.
	ResponseURL string
	TriggerID   string
	ActionTS    string
}

// Handler receives what Slack sends. Calls come from one goroutine per
// receiver, in arrival order, after Slack has been acknowledged; a slow
// handler delays later events, never the acks. An error is logged with the
// event's id and kind; the event is not redelivered (Slack was acked), so a
// handler that must not lose work stores it before returning.
type Handler interface {
	HandleEvent(ctx context.Context, e Event) error
	HandleAction(ctx context.Context, a Action) error
}

// selfFrom identifies our bot in events when an Identity is not at hand: the
// events wrapper's authorizations name the bot user the event was delivered
// to.
func selfFrom(id Identity, auths []slack.EventAuthorization) Identity {
	if id.UserID == "" {
		for _, a := range auths {
			if a.IsBot {
				id.UserID = a.UserID
				break
			}
		}
	}
	return id
}

func isOwn(self Identity, botID, user string) bool {
	if botID == "" {
		return false
	}
	return (self.BotID != "" && botID == self.BotID) || (self.UserID != "" && user == self.UserID)
}

// contentSubtypes are the message subtypes that carry something a person
// (or an app) said.
var contentSubtypes = map[string]bool{"": true, "thread_broadcast": true, "bot_message": true, "file_share": true,
	"me_message": true}

// convertEvent turns an events_api callback into an Event. ok is false for
// events Liaison does not use.
func convertEvent(cb *slackevents.EventsAPICallbackEvent, inner slackevents.EventsAPIInnerEvent, self Identity) (Event, bool, error) {
	self = selfFrom(self, cb.Authorizations)
	e := Event{EventID: cb.EventID, TeamID: cb.TeamID, EventTime: time.Unix(int64(cb.EventTime), 0).UTC(),
		ExtShared: cb.IsExtSharedChannel}
	switch d := inner.Data.(type) {
	case *slackevents.MessageEvent:
		e.Channel, e.ChannelType = d.Channel, d.ChannelType
		switch d.SubType {
		case "message_changed":
			if d.Message == nil {
				return e, false, fmt.Errorf("message_changed event %s without message", cb.EventID)
			}
			m := d.Message
			e.Kind, e.TS, e.ThreadTS, e.Text, e.User, e.BotID, e.Subtype = KindMessageChanged, m.Timestamp,
				m.ThreadTimestamp, m.Text, m.User, m.BotID, m.SubType
			e.UserTeam = teamOf(m.Team, cb.TeamID)
			e.EditedTS = d.TimeStamp
			if m.Edited != nil {
				e.EditedTS = m.Edited.Timestamp
			}
			if d.PreviousMessage != nil {
				e.PreviousText = d.PreviousMessage.Text
			}
		case "message_deleted":
			e.Kind, e.TS = KindMessageDeleted, d.DeletedTimeStamp
			if d.PreviousMessage != nil {
				p := d.PreviousMessage
				e.ThreadTS, e.User, e.BotID, e.PreviousText = p.ThreadTimestamp, p.User, p.BotID, p.Text
			}
		case "channel_join":
			e.Kind, e.User, e.TS = KindMemberJoined, d.User, d.TimeStamp
			if d.Message != nil {
				e.Inviter = d.Message.Inviter
			}
		default:
			if !contentSubtypes[d.SubType] {
				return e, false, nil
			}
			e.Kind, e.TS, e.ThreadTS, e.Text, e.User, e.BotID, e.Subtype = KindMessage, d.TimeStamp,
				d.ThreadTimeStamp, d.Text, d.User, d.BotID, d.SubType
			e.UserTeam = d.UserTeam
			if e.UserTeam == "" && d.Message != nil {
				e.UserTeam = teamOf(d.Message.Team, cb.TeamID)
			}
		}
		e.Own = isOwn(self, e.BotID, e.User)
	case *slackevents.AppMentionEvent:
		e.Kind, e.Channel, e.User, e.UserTeam, e.BotID, e.TS, e.ThreadTS, e.Text = KindAppMention, d.Channel, d.User,
			d.UserTeam, d.BotID, d.TimeStamp, d.ThreadTimeStamp, d.Text
		e.Own = isOwn(self, e.BotID, e.User)
	case *slackevents.ReactionAddedEvent:
		e.Kind, e.User, e.Reaction, e.ItemUser = KindReactionAdded, d.User, d.Reaction, d.ItemUser
		e.Channel, e.ItemTS, e.TS = d.Item.Channel, d.Item.Timestamp, d.EventTimestamp
		e.Own = self.UserID != "" && d.User == self.UserID
	case *slackevents.MemberJoinedChannelEvent:
		e.Kind, e.User, e.Channel, e.ChannelType, e.UserTeam, e.Inviter, e.TS = KindMemberJoined, d.User,
			d.Channel, d.ChannelType, d.Team, d.Inviter, d.EventTimestamp
	default:
		return e, false, nil
	}
	return e, true, nil
}

// teamOf returns team unless it is the workspace's own id: UserTeam stays
// empty for our own people, as Slack leaves user_team out for them.
func teamOf(team, ours string) string {
	if team == ours {
		return ""
	}
	return team
}

// convertActions turns a block_actions interaction into Actions, one per
// element (Slack sends one per click today, but the field is a list).
func convertActions(cb slack.InteractionCallback) []Action {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil
	}
	base := Action{UserID: cb.User.ID, TeamID: cb.User.TeamID, ChannelID: cb.Container.ChannelID,
		MessageTS: cb.Container.MessageTs, ThreadTS: cb.Container.ThreadTs, Ephemeral: cb.Container.IsEphemeral,
		ResponseURL: cb.ResponseURL, TriggerID: cb.TriggerID}
	if base.ChannelID == "" {
		base.ChannelID = cb.Channel.ID
	}
	if base.ThreadTS == "" {
		base.ThreadTS = cb.Message.ThreadTimestamp
	}
	if base.TeamID == "" {
		base.TeamID = cb.Team.ID
	}
	out := make([]Action, 0, len(cb.ActionCallback.BlockActions))
	for _, ba := range cb.ActionCallback.BlockActions {
		a := base
		a.ActionID, a.BlockID, a.Value, a.ActionTS = ba.ActionID, ba.BlockID, ba.Value, ba.ActionTs
		if a.Value == "" && ba.SelectedOption.Value != "" {
			a.Value = ba.SelectedOption.Value
		}
		out = append(out, a)
	}
	return out
}

// actionKey identifies an interaction across Socket Mode redeliveries,
// which carry the same payload under a new envelope id.
func actionKey(cb slack.InteractionCallback) string {
	if cb.TriggerID != "" {
		return "interaction:" + cb.TriggerID
	}
	ts := ""
	if len(cb.ActionCallback.BlockActions) > 0 {
		ts = cb.ActionCallback.BlockActions[0].ActionTs
	}
	return "interaction:" + cb.User.ID + ":" + ts
}
