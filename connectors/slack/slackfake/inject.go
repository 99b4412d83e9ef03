package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ErrNotFound is returned (wrapped) by the activity methods when a user,
// channel, message or action does not exist.
var ErrNotFound = errors.New("not found")

// UserMessage is a message a person types, for PostUserMessage.
type UserMessage struct {
	Channel string
	User    string
	Text    string
	// ThreadTS makes the message a thread reply.
	ThreadTS string
	// ReplyBroadcast also shows a thread reply in the channel.
	ReplyBroadcast bool
	// Blocks, when set, are stored verbatim (Slack clients send rich_text).
	Blocks json.RawMessage
}

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.addUser(u)
}

// AddChannel adds or replaces a conversation.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.addChannel(c)
}

// PostUserMessage stores a message from a person (a Slack Connect user
// included) and delivers its message event, and app_mention when it
// mentions our bot. It returns the stored message.
func (s *Server) PostUserMessage(um UserMessage) (Message, error) {
	s.mu.Lock()
	ch := s.st.channels[um.Channel]
	u := s.st.users[um.User]
	switch {
	case ch == nil:
		s.mu.Unlock()
		return Message{}, fmt.Errorf("posting as %s: channel %s: %w", um.User, um.Channel, ErrNotFound)
	case u == nil:
		s.mu.Unlock()
		return Message{}, fmt.Errorf("posting in %s: user %s: %w", um.Channel, um.User, ErrNotFound)
	case !s.st.isMember(ch, u.ID):
		s.mu.Unlock()
		return Message{}, fmt.Errorf("posting in %s: user %s is not a member", um.Channel, um.User)
	}
	thread := ""
	if um.ThreadTS != "" {
		p := s.st.message(ch.ID, um.ThreadTS)
		if p == nil {
			s.mu.Unlock()
			return Message{}, fmt.Errorf("replying in %s: thread %s: %w", um.Channel, um.ThreadTS, ErrNotFound)
		}
		thread = p.TS
		if p.ThreadTS != "" {
			thread = p.ThreadTS
		}
	}
	m := &Message{Channel: ch.ID, TS: s.st.nextTS(), ThreadTS: thread, User: u.ID, Team: u.TeamID, Text: um.Text,
		Blocks: um.Blocks, ClientMsgID: fmt.Sprintf("00000000-0000-4000-8000-%012d", s.nextIDLocked())}
	if u.IsBot {
		m.BotID, m.AppID = u.BotID, u.AppID
		m.ClientMsgID = ""
	}
	if thread != "" && um.ReplyBroadcast {
		m.ReplyBroadcast, m.Subtype = true, "thread_broadcast"
	}
	s.st.appendMessage(m)
	out := s.messageEvents(m)
	res := cloneMessage(m)
	s.mu.Unlock()
	s.dispatch(out)
	return res, nil
}

// AddReaction adds user's reaction to a message and delivers reaction_added.
func (s *Server) AddReaction(channel, ts, user, name string) error {
	s.mu.Lock()
	m := s.st.message(channel, ts)
	if m == nil || s.st.users[user] == nil {
		s.mu.Unlock()
		return fmt.Errorf("reacting to %s/%s as %s: %w", channel, ts, user, ErrNotFound)
	}
	if aerr := addReaction(m, name, user); aerr != nil {
		s.mu.Unlock()
		return fmt.Errorf("reacting to %s/%s: %s", channel, ts, aerr.code)
	}
	out := s.reactionEvent(m, name, user)
	s.mu.Unlock()
	s.dispatch([]outbound{out})
	return nil
}

// ClickButton has user click the button with actionID on a message and
// delivers the block_actions payload Slack would send. It returns the
// delivery id.
func (s *Server) ClickButton(channel, ts, user, actionID string) (string, error) {
	s.mu.Lock()
	m := s.st.message(channel, ts)
	if m == nil {
		for _, e := range s.st.ephemeral {
			if e.Channel == channel && e.TS == ts {
				m = e
			}
		}
	}
	u := s.st.users[user]
	if m == nil || u == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("clicking %s on %s/%s: %w", actionID, channel, ts, ErrNotFound)
	}
	action, blockID, ok := findAction(m.Blocks, actionID)
	if !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("clicking %s on %s/%s: action: %w", actionID, channel, ts, ErrNotFound)
	}
	ch := s.st.channels[channel]
	now := s.clk.Now()
	n := s.nextIDLocked()
	id := fmt.Sprintf("interactive-%d", n)
	token := fmt.Sprintf("r%d", n)
	act := map[string]any{"action_id": actionID, "block_id": blockID, "type": action["type"],
		"action_ts": formatMicro(now.UnixMicro())}
	for _, k := range []string{"text", "value", "style", "url"} {
		if v, ok := action[k]; ok {
			act[k] = v
		}
	}
	payload := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": u.TeamID},
		"api_app_id": s.st.appID, "token": s.opts.VerificationToken,
		"container":  map[string]any{"type": "message", "message_ts": m.TS, "channel_id": channel, "is_ephemeral": m.Ephemeral},
		"trigger_id": fmt.Sprintf("%d.%s.fake%08d", now.Unix(), s.st.team.ID, n),
		"team":       map[string]any{"id": s.st.team.ID, "domain": s.st.team.Domain},
		"enterprise": nil, "is_enterprise_install": false,
		"channel":      map[string]any{"id": channel, "name": channelName(ch)},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": fmt.Sprintf("%s/_fake/slack/response/%s", s.baseURL, token),
		"actions":      []any{act},
	}
	if !m.Ephemeral {
		payload["message"] = s.renderMessage(m, true)
	}
	s.responses()[token] = responseTarget{channel: channel, ts: m.TS, user: u.ID, ephemeral: m.Ephemeral}
	s.mu.Unlock()
	s.dispatch([]outbound{{kind: KindInteractive, id: id, payload: payload}})
	return id, nil
}

// SlashCommand has user run command with text in channel and delivers the
// slash_commands payload. It returns the delivery id.
func (s *Server) SlashCommand(channel, user, command, text string) (string, error) {
	s.mu.Lock()
	ch, u := s.st.channels[channel], s.st.users[user]
	if ch == nil || u == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("running %s in %s as %s: %w", command, channel, user, ErrNotFound)
	}
	n := s.nextIDLocked()
	token := fmt.Sprintf("r%d", n)
	id := fmt.Sprintf("command-%d", n)
	payload := map[string]any{
		"token": s.opts.VerificationToken, "team_id": s.st.team.ID, "team_domain": s.st.team.Domain,
		"channel_id": channel, "channel_name": channelName(ch), "user_id": u.ID, "user_name": u.Name,
		"command": command, "text": text, "api_app_id": s.st.appID, "is_enterprise_install": "false",
		"response_url": fmt.Sprintf("%s/_fake/slack/response/%s", s.baseURL, token),
		"trigger_id":   fmt.Sprintf("%d.%s.fake%08d", s.clk.Now().Unix(), s.st.team.ID, n),
	}
	s.responses()[token] = responseTarget{channel: channel, user: u.ID}
	s.mu.Unlock()
	s.dispatch([]outbound{{kind: KindSlashCommands, id: id, payload: payload}})
	return id, nil
}

func channelName(ch *Channel) string {
	if ch.IM {
		return "directmessage"
	}
	return ch.Name
}

// findAction looks through actions blocks and section accessories for the
// element with actionID.
func findAction(blocks json.RawMessage, actionID string) (map[string]any, string, bool) {
	var bs []map[string]any
	if json.Unmarshal(blocks, &bs) != nil {
		return nil, "", false
	}
	for _, b := range bs {
		blockID, _ := b["block_id"].(string)
		var els []any
		if e, ok := b["elements"].([]any); ok {
			els = e
		}
		if acc, ok := b["accessory"]; ok {
			els = append(els, acc)
		}
		for _, e := range els {
			el, ok := e.(map[string]any)
			if ok && el["action_id"] == actionID {
				if blockID == "" {
					// Slack fills in a random block_id when the app gave none.
					blockID = "fake" + actionID
				}
				return el, blockID, true
			}
		}
	}
	return nil, "", false
}

// Members returns a channel's member ids.
func (s *Server) Members(channel string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.st.channels[channel]; ch != nil {
		return slices.Clone(ch.Members)
	}
	return nil
}
