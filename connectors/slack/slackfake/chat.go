package slackfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

const maxMetadataBytes = 8 << 10

// content is the text, blocks and metadata a chat.* call carries.
type content struct {
	text     string
	blocks   json.RawMessage
	metadata *Metadata
	hasAtt   bool
}

func parseContent(r *request, requireSome bool) (content, *apiError) {
	var c content
	c.text = r.arg("text")
	if raw := r.arg("blocks"); raw != "" {
		b, aerr := validateBlocks(raw)
		if aerr != nil {
			return c, aerr
		}
		// "[]" clears blocks on update; an empty list carries no content.
		if string(b) != "[]" {
			c.blocks = b
		}
	}
	if raw := r.arg("attachments"); raw != "" {
		var atts []map[string]any
		if json.Unmarshal([]byte(raw), &atts) != nil {
			return c, errCode("invalid_attachments")
		}
		if len(atts) > 100 {
			return c, errCode("too_many_attachments")
		}
		c.hasAtt = len(atts) > 0
	}
	if requireSome && c.text == "" && c.blocks == nil && !c.hasAtt {
		return c, errCode("no_text")
	}
	if utf8.RuneCountInString(c.text) > maxMessageText {
		return c, errCode("msg_too_long")
	}
	if raw := r.arg("metadata"); raw != "" {
		md, aerr := parseMetadata(raw)
		if aerr != nil {
			return c, aerr
		}
		c.metadata = md
	}
	return c, nil
}

func parseMetadata(raw string) (*Metadata, *apiError) {
	if len(raw) > maxMetadataBytes {
		return nil, errCode("metadata_too_large")
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &obj) != nil {
		return nil, errCode("invalid_metadata_format")
	}
	var md Metadata
	if json.Unmarshal(obj["event_type"], &md.EventType) != nil || md.EventType == "" {
		return nil, errCode("invalid_metadata_schema")
	}
	var payload map[string]any
	if json.Unmarshal(obj["event_payload"], &payload) != nil || payload == nil {
		return nil, errCode("invalid_metadata_schema")
	}
	md.EventPayload = obj["event_payload"]
	return &md, nil
}

// postTarget resolves chat.* channel arguments, including a user id, which
// Slack takes to mean the IM with that user.
func (s *Server) postTarget(id string) (*Channel, *apiError) {
	if strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") {
		if u := s.st.users[id]; u != nil && !u.IsBot {
			ch, _ := s.st.imWith(id)
			return ch, nil
		}
		return nil, errCode("channel_not_found")
	}
	ch, aerr := s.channelFor(id, true)
	if aerr != nil {
		return nil, aerr
	}
	if ch.Archived {
		return nil, errCode("is_archived")
	}
	return ch, nil
}

func (s *Server) threadParent(ch *Channel, ts string) (string, *apiError) {
	if ts == "" {
		return "", nil
	}
	p := s.st.message(ch.ID, ts)
	if p == nil {
		return "", errCode("thread_not_found")
	}
	if p.ThreadTS != "" && p.ThreadTS != p.TS {
		return p.ThreadTS, nil
	}
	return p.TS, nil
}

func (s *Server) chatPostMessage(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.postTarget(r.arg("channel"))
	if aerr != nil {
		return nil, nil, aerr
	}
	c, aerr := parseContent(r, true)
	if aerr != nil {
		return nil, nil, aerr
	}
	thread, aerr := s.threadParent(ch, r.arg("thread_ts"))
	if aerr != nil {
		return nil, nil, aerr
	}
	m := &Message{Channel: ch.ID, TS: s.st.nextTS(), ThreadTS: thread, User: s.st.botUser, BotID: s.st.botID,
		AppID: s.st.appID, Team: s.st.team.ID, Text: c.text, Blocks: c.blocks, Metadata: c.metadata}
	if thread != "" && r.boolArg("reply_broadcast") {
		m.ReplyBroadcast = true
		m.Subtype = "thread_broadcast"
	}
	s.st.appendMessage(m)
	var out []outbound
	if !s.opts.SuppressOwnEvents {
		out = s.messageEvents(m)
	}
	return map[string]any{"channel": ch.ID, "ts": m.TS, "message": s.renderMessage(m, true)}, out, nil
}

func (s *Server) chatUpdate(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.channelFor(r.arg("channel"), false)
	if aerr != nil {
		return nil, nil, aerr
	}
	m := s.st.message(ch.ID, r.arg("ts"))
	if m == nil {
		return nil, nil, errCode("message_not_found")
	}
	if m.BotID != s.st.botID {
		return nil, nil, errCode("cant_update_message")
	}
	c, aerr := parseContent(r, true)
	if aerr != nil {
		return nil, nil, aerr
	}
	before := cloneMessage(m)
	editTS := s.st.nextTS()
	m.Revisions = append(m.Revisions, Revision{Text: m.Text, Blocks: m.Blocks, Metadata: m.Metadata, ReplacedAt: editTS})
	m.Text = c.text
	if r.args.Has("blocks") {
		m.Blocks = c.blocks
	}
	if c.metadata != nil {
		m.Metadata = c.metadata
	}
	m.Edited = &Edited{User: s.st.botUser, TS: editTS}
	msg := map[string]any{"type": "message", "text": m.Text, "user": m.User, "bot_id": m.BotID, "app_id": m.AppID,
		"team": m.Team, "edited": map[string]any{"user": m.Edited.User, "ts": m.Edited.TS}}
	if len(m.Blocks) > 0 {
		msg["blocks"] = m.Blocks
	}
	var out []outbound
	if !s.opts.SuppressOwnEvents {
		out = append(out, s.changedEvent(&before, m, editTS))
	}
	return map[string]any{"channel": ch.ID, "ts": m.TS, "text": m.Text, "message": msg}, out, nil
}

func (s *Server) chatPostEphemeral(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.postTarget(r.arg("channel"))
	if aerr != nil {
		return nil, nil, aerr
	}
	user := s.st.users[r.arg("user")]
	if user == nil {
		return nil, nil, errCode("user_not_found")
	}
	if !s.st.isMember(ch, user.ID) {
		return nil, nil, errCode("user_not_in_channel")
	}
	c, aerr := parseContent(r, true)
	if aerr != nil {
		return nil, nil, aerr
	}
	thread, aerr := s.threadParent(ch, r.arg("thread_ts"))
	if aerr != nil {
		return nil, nil, aerr
	}
	m := &Message{Channel: ch.ID, TS: s.st.nextTS(), ThreadTS: thread, User: s.st.botUser, BotID: s.st.botID,
		AppID: s.st.appID, Team: s.st.team.ID, Text: c.text, Blocks: c.blocks, Ephemeral: true, EphemeralUser: user.ID}
	s.st.ephemeral = append(s.st.ephemeral, m)
	return map[string]any{"message_ts": m.TS}, nil, nil
}

func (s *Server) chatGetPermalink(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.channelFor(r.arg("channel"), false)
	if aerr != nil {
		return nil, nil, aerr
	}
	m := s.st.message(ch.ID, r.arg("message_ts"))
	if m == nil {
		return nil, nil, errCode("message_not_found")
	}
	return map[string]any{"channel": ch.ID, "permalink": s.permalink(m)}, nil, nil
}

func (s *Server) permalink(m *Message) string {
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", s.st.team.Domain, m.Channel, strings.ReplaceAll(m.TS, ".", ""))
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		link += fmt.Sprintf("?thread_ts=%s&cid=%s", m.ThreadTS, m.Channel)
	}
	return link
}
