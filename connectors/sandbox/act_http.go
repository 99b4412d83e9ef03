package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// mountActions adds the routes that act in Slack as a person: post, edit
// and delete messages, react, press a button on a message Liaison posted.
// Bodies are JSON objects read strictly; answers are JSON, with an "error"
// naming what was wrong.
func (u slackUpstream) mountActions(m *Mux) {
	m.Act("POST", "messages", http.HandlerFunc(u.servePost))
	m.Act("PATCH", "messages/{channel}/{ts}", http.HandlerFunc(u.serveEdit))
	m.Act("DELETE", "messages/{channel}/{ts}", http.HandlerFunc(u.serveDelete))
	m.Act("POST", "reactions", http.HandlerFunc(u.serveReact))
	m.Act("POST", "actions", http.HandlerFunc(u.servePress))
}

// postBody is POST /_sandbox/slack/messages.
type postBody struct {
	Channel  string `json:"channel"`
	User     string `json:"user"`
	Text     string `json:"text"`
	ThreadTS string `json:"thread_ts"`
}

func (u slackUpstream) servePost(w http.ResponseWriter, r *http.Request) {
	var b postBody
	if !decodeBody(w, r, &b) {
		return
	}
	if missing := required(map[string]string{"channel": b.Channel, "user": b.User, "text": b.Text}); missing != "" {
		actError(w, http.StatusBadRequest, errors.New(missing))
		return
	}
	msg, err := u.s.PostAs(b.User, b.Channel, b.Text, b.ThreadTS)
	if err != nil {
		actError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, viewOf(msg))
}

// editBody is PATCH /_sandbox/slack/messages/{channel}/{ts}.
type editBody struct {
	Text string `json:"text"`
	User string `json:"user"` // optional: must be the author
}

func (u slackUpstream) serveEdit(w http.ResponseWriter, r *http.Request) {
	var b editBody
	if !decodeBody(w, r, &b) {
		return
	}
	if b.Text == "" {
		actError(w, http.StatusBadRequest, errors.New("text is required"))
		return
	}
	msg, err := u.s.EditAs(b.User, r.PathValue("channel"), r.PathValue("ts"), b.Text)
	if err != nil {
		actError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, viewOf(msg))
}

func (u slackUpstream) serveDelete(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if err := u.s.DeleteAs(user, r.PathValue("channel"), r.PathValue("ts")); err != nil {
		actError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("ts")})
}

// reactBody is POST /_sandbox/slack/reactions.
type reactBody struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	User    string `json:"user"`
	Name    string `json:"name"`
}

func (u slackUpstream) serveReact(w http.ResponseWriter, r *http.Request) {
	var b reactBody
	if !decodeBody(w, r, &b) {
		return
	}
	if missing := required(map[string]string{"channel": b.Channel, "ts": b.TS, "user": b.User, "name": b.Name}); missing != "" {
		actError(w, http.StatusBadRequest, errors.New(missing))
		return
	}
	if err := u.s.ReactAs(b.User, b.Channel, b.TS, b.Name); err != nil {
		actError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"channel": b.Channel, "ts": b.TS, "name": strings.Trim(b.Name, ":")})
}

// pressBody is POST /_sandbox/slack/actions.
type pressBody struct {
	User       string `json:"user"`
	ActionID   string `json:"action_id"`
	Channel    string `json:"channel"`    // default: the user's direct messages with Liaison
	TS         string `json:"ts"`         // default: the latest message carrying the button
	Containing string `json:"containing"` // only a message whose text contains this
}

func (u slackUpstream) servePress(w http.ResponseWriter, r *http.Request) {
	var b pressBody
	if !decodeBody(w, r, &b) {
		return
	}
	if missing := required(map[string]string{"user": b.User, "action_id": b.ActionID}); missing != "" {
		actError(w, http.StatusBadRequest, errors.New(missing))
		return
	}
	p, err := u.s.PressAs(b.User, b.ActionID, b.Channel, b.TS, b.Containing)
	if err != nil {
		actError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusAccepted, p)
}

// decodeBody reads a JSON object strictly: an unknown key is an error, as
// a typo in a test should be.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		actError(w, http.StatusBadRequest, fmt.Errorf("reading the JSON body: %w", err))
		return false
	}
	return true
}

func required(fields map[string]string) string {
	var missing []string
	for _, k := range []string{"channel", "ts", "user", "text", "name", "action_id"} {
		if v, ok := fields[k]; ok && v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return strings.Join(missing, ", ") + " required"
}

// statusOf maps what the fake said to an HTTP status: 404 for what does
// not exist, 403 for what Slack forbids (editing someone else's message,
// posting where one is no member), 400 otherwise.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrNoTarget), errors.Is(err, slackfake.ErrNotFound):
		return http.StatusNotFound
	case strings.Contains(err.Error(), "only its author"), strings.Contains(err.Error(), "not a member"):
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

func actError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]any{"error": err.Error()})
}

func viewOf(m slackfake.Message) messageView {
	v := messageView{Channel: m.Channel, User: m.User, TS: m.TS, ThreadTS: m.ThreadTS, Text: m.Text, Blocks: m.Blocks,
		Metadata: m.Metadata, Edits: []editView{}}
	for _, e := range m.Revisions {
		v.Edits = append(v.Edits, editView{Text: e.Text, Blocks: e.Blocks, Metadata: e.Metadata, ReplacedAt: e.ReplacedAt})
	}
	return v
}
