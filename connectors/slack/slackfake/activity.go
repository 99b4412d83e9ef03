package slackfake

import (
	"fmt"
	"slices"
)

// EditUserMessage has the message's author change its text, as a person
// editing in a Slack client does: the earlier version is kept in
// Revisions, the message is marked edited, and a message_changed event
// (with the message as it is now and the previous one) is delivered. Only
// the author may edit, as in Slack.
func (s *Server) EditUserMessage(channel, ts, user, text string) (Message, error) {
	s.mu.Lock()
	m := s.st.message(channel, ts)
	switch {
	case m == nil:
		s.mu.Unlock()
		return Message{}, fmt.Errorf("editing %s/%s: message: %w", channel, ts, ErrNotFound)
	case m.User != user:
		s.mu.Unlock()
		return Message{}, fmt.Errorf("editing %s/%s as %s: only its author %s can edit it (cant_update_message)", channel, ts, user, m.User)
	}
	before := cloneMessage(m)
	editTS := s.st.nextTS()
	m.Revisions = append(m.Revisions, Revision{Text: m.Text, Blocks: m.Blocks, Metadata: m.Metadata, ReplacedAt: editTS})
	// A client sends the edited text as rich_text blocks too; the old
	// blocks would contradict the new text, so they go.
	m.Text, m.Blocks = text, nil
	m.Edited = &Edited{User: user, TS: editTS}
	out := s.changedEvent(&before, m, editTS)
	res := cloneMessage(m)
	s.mu.Unlock()
	s.dispatch([]outbound{out})
	return res, nil
}

// DeleteUserMessage has the message's author delete it: it leaves history
// (a thread parent with replies stays as a "This message was deleted."
// tombstone, as in Slack) and a message_deleted event is delivered. Only
// the author may delete it.
func (s *Server) DeleteUserMessage(channel, ts, user string) error {
	s.mu.Lock()
	m := s.st.message(channel, ts)
	switch {
	case m == nil:
		s.mu.Unlock()
		return fmt.Errorf("deleting %s/%s: message: %w", channel, ts, ErrNotFound)
	case m.User != user:
		s.mu.Unlock()
		return fmt.Errorf("deleting %s/%s as %s: only its author %s can delete it (cant_delete_message)", channel, ts, user, m.User)
	}
	before := cloneMessage(m)
	deleteTS := s.st.nextTS()
	if len(m.Replies) > 0 {
		m.Subtype, m.Text, m.Blocks, m.User, m.Reactions = "tombstone", "This message was deleted.", nil, "USLACKBOT", nil
	} else {
		msgs := s.st.messages[channel]
		s.st.messages[channel] = slices.DeleteFunc(msgs, func(x *Message) bool { return x == m })
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			if p := s.st.message(channel, m.ThreadTS); p != nil {
				p.Replies = slices.DeleteFunc(p.Replies, func(r string) bool { return r == m.TS })
			}
		}
	}
	ch := s.st.channels[channel]
	ev := map[string]any{"type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
		"ts": deleteTS, "deleted_ts": before.TS, "event_ts": deleteTS, "channel_type": channelType(ch),
		"previous_message": s.renderMessage(&before, true)}
	out := s.wrapEvent(ev, ch)
	s.mu.Unlock()
	s.dispatch([]outbound{out})
	return nil
}

// DMChannel returns the id of the direct-message conversation between the
// bot and user, if the bot has opened one.
func (s *Server) DMChannel(user string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.st.chanOrder {
		if c := s.st.channels[id]; c.IM && c.IMUser == user {
			return id, true
		}
	}
	return "", false
}

// HasAction reports whether Block Kit blocks carry an interactive element
// with actionID (in an actions block or as a section's accessory).
func HasAction(blocks []byte, actionID string) bool {
	_, _, ok := findAction(blocks, actionID)
	return ok
}
