package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Messages returns every message in channel (thread replies included), in
// ts order, with edits, revisions, metadata and reactions.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.st.messages[channel]))
	for _, m := range s.st.messages[channel] {
		out = append(out, cloneMessage(m))
	}
	return out
}

// AllMessages returns the messages of every channel, channel by channel in
// creation order.
func (s *Server) AllMessages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, id := range s.st.chanOrder {
		for _, m := range s.st.messages[id] {
			out = append(out, cloneMessage(m))
		}
	}
	return out
}

// Message returns one message by channel and ts.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.message(channel, ts)
	if m == nil {
		return Message{}, false
	}
	return cloneMessage(m), true
}

// Ephemerals returns ephemeral messages, which never appear in history.
func (s *Server) Ephemerals() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.st.ephemeral))
	for _, m := range s.st.ephemeral {
		out = append(out, cloneMessage(m))
	}
	return out
}

// Calls returns every Web API call received, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallCount reports how many calls a method received, errors included.
func (s *Server) CallCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[method]
}

// messageJSON is the inspection view of a Message.
type messageJSON struct {
	Channel   string          `json:"channel"`
	TS        string          `json:"ts"`
	ThreadTS  string          `json:"thread_ts,omitempty"`
	User      string          `json:"user,omitempty"`
	BotID     string          `json:"bot_id,omitempty"`
	Team      string          `json:"team,omitempty"`
	Text      string          `json:"text"`
	Subtype   string          `json:"subtype,omitempty"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	Metadata  *Metadata       `json:"metadata,omitempty"`
	Edited    *Edited         `json:"edited,omitempty"`
	Revisions []revisionJSON  `json:"revisions,omitempty"`
	Reactions []reactionJSON  `json:"reactions,omitempty"`
	Replies   []string        `json:"replies,omitempty"`
	Ephemeral bool            `json:"ephemeral,omitempty"`
	For       string          `json:"ephemeral_user,omitempty"`
	Permalink string          `json:"permalink"`
}

type revisionJSON struct {
	Text       string          `json:"text"`
	Blocks     json.RawMessage `json:"blocks,omitempty"`
	Metadata   *Metadata       `json:"metadata,omitempty"`
	ReplacedAt string          `json:"replaced_at"`
}

type reactionJSON struct {
	Name  string   `json:"name"`
	Users []string `json:"users"`
}

func (s *Server) toJSON(m *Message) messageJSON {
	j := messageJSON{Channel: m.Channel, TS: m.TS, ThreadTS: m.ThreadTS, User: m.User, BotID: m.BotID, Team: m.Team,
		Text: m.Text, Subtype: m.Subtype, Blocks: m.Blocks, Metadata: m.Metadata, Edited: m.Edited,
		Replies: m.Replies, Ephemeral: m.Ephemeral, For: m.EphemeralUser, Permalink: s.permalink(m)}
	for _, r := range m.Revisions {
		j.Revisions = append(j.Revisions, revisionJSON{Text: r.Text, Blocks: r.Blocks, Metadata: r.Metadata, ReplacedAt: r.ReplacedAt})
	}
	for _, r := range m.Reactions {
		j.Reactions = append(j.Reactions, reactionJSON{Name: r.Name, Users: r.Users})
	}
	return j
}

// InspectHandler serves GET /_fake/slack/messages[?channel=C...] as JSON:
// {"messages":[...],"ephemeral":[...],"calls":{"method":n}}, for the
// sandbox UI and for debugging a demo.
func (s *Server) InspectHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "slackfake: inspection is GET only", http.StatusMethodNotAllowed)
			return
		}
		want := r.URL.Query().Get("channel")
		s.mu.Lock()
		out := struct {
			Messages  []messageJSON  `json:"messages"`
			Ephemeral []messageJSON  `json:"ephemeral"`
			Calls     map[string]int `json:"calls"`
		}{Messages: []messageJSON{}, Ephemeral: []messageJSON{}, Calls: map[string]int{}}
		for _, id := range s.st.chanOrder {
			if want != "" && id != want {
				continue
			}
			for _, m := range s.st.messages[id] {
				out.Messages = append(out.Messages, s.toJSON(m))
			}
		}
		for _, m := range s.st.ephemeral {
			if want == "" || m.Channel == want {
				out.Ephemeral = append(out.Ephemeral, s.toJSON(m))
			}
		}
		for k, v := range s.counts {
			out.Calls[k] = v
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(out)
	})
}

// responseTarget is what a response_url acts on.
type responseTarget struct {
	channel   string
	ts        string
	user      string
	ephemeral bool
}

// responses returns the response_url table; callers hold s.mu.
func (s *Server) responses() map[string]responseTarget {
	if s.respTargets == nil {
		s.respTargets = map[string]responseTarget{}
	}
	return s.respTargets
}

// serveResponseURL handles posts to a response_url: replace_original edits
// the message that carried the button, delete_original removes it, and
// anything else posts a new (by default ephemeral) message.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.URL.Path, "/_fake/slack/response/")
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if r.Method != http.MethodPost || err != nil {
		http.Error(w, "slackfake: response_url takes POST", http.StatusMethodNotAllowed)
		return
	}
	var in struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ResponseType    string          `json:"response_type"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if json.Unmarshal(body, &in) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	if len(in.Blocks) > 0 {
		if _, aerr := validateBlocks(string(in.Blocks)); aerr != nil {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": aerr.code})
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.responses()[token]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "expired_url"})
		return
	}
	if in.Text == "" && len(in.Blocks) == 0 && !in.DeleteOriginal {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "no_text"})
		return
	}
	switch {
	case in.DeleteOriginal && t.ts != "":
		s.st.messages[t.channel] = slices.DeleteFunc(s.st.messages[t.channel], func(m *Message) bool { return m.TS == t.ts })
	case in.ReplaceOriginal && t.ts != "" && t.ephemeral:
		// Only the user who saw an ephemeral message can have clicked in
		// it; it is replaced in place, without an edit mark. The old
		// version is kept for inspection (Slack keeps none).
		for _, m := range s.st.ephemeral {
			if m.Channel == t.channel && m.TS == t.ts && m.EphemeralUser == t.user {
				m.Revisions = append(m.Revisions, Revision{Text: m.Text, Blocks: m.Blocks, ReplacedAt: s.st.nextTS()})
				m.Text, m.Blocks = in.Text, in.Blocks
			}
		}
	case in.ReplaceOriginal && t.ts != "":
		if m := s.st.message(t.channel, t.ts); m != nil {
			edit := s.st.nextTS()
			m.Revisions = append(m.Revisions, Revision{Text: m.Text, Blocks: m.Blocks, Metadata: m.Metadata, ReplacedAt: edit})
			m.Text, m.Blocks = in.Text, in.Blocks
			m.Edited = &Edited{User: s.st.botUser, TS: edit}
		}
	default:
		m := &Message{Channel: t.channel, TS: s.st.nextTS(), ThreadTS: in.ThreadTS, User: s.st.botUser, BotID: s.st.botID,
			AppID: s.st.appID, Team: s.st.team.ID, Text: in.Text, Blocks: in.Blocks}
		if in.ResponseType == "in_channel" {
			s.st.appendMessage(m)
		} else {
			m.Ephemeral, m.EphemeralUser = true, t.user
			s.st.ephemeral = append(s.st.ephemeral, m)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
