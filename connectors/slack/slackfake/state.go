package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/liaisonhq/liaison/clock"
)

// Message is one stored message. Thread replies are stored in their
// channel too, with ThreadTS set to the parent's TS.
type Message struct {
	Channel     string
	TS          string
	ThreadTS    string
	User        string
	BotID       string
	AppID       string
	Team        string
	Text        string
	Subtype     string
	ClientMsgID string
	// Blocks are kept verbatim as the client sent them.
	Blocks   json.RawMessage
	Metadata *Metadata
	// Edited is set once chat.update changed the message; Revisions holds
	// every earlier version, oldest first.
	Edited    *Edited
	Revisions []Revision
	Reactions []Reaction
	// Replies lists the ts of thread replies (on a parent only).
	Replies        []string
	ReplyBroadcast bool
	// Ephemeral messages are visible to EphemeralUser only and never
	// appear in history.
	Ephemeral     bool
	EphemeralUser string
}

// Metadata is message metadata as chat.postMessage accepts it.
type Metadata struct {
	EventType    string          `json:"event_type"`
	EventPayload json.RawMessage `json:"event_payload"`
}

// Edited tells who last edited a message and when.
type Edited struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

// Revision is a message's content before an edit.
type Revision struct {
	Text     string
	Blocks   json.RawMessage
	Metadata *Metadata
	// ReplacedAt is the ts of the edit that replaced this version.
	ReplacedAt string
}

// Reaction is one emoji on a message and who added it, in order.
type Reaction struct {
	Name  string
	Users []string
}

// state is the workspace model. It is not locked itself: Server.mu guards it.
type state struct {
	clk       clock.Clock
	team      Team
	botUser   string
	botID     string
	appID     string
	users     map[string]*User
	userOrder []string
	channels  map[string]*Channel
	chanOrder []string
	messages  map[string][]*Message
	ephemeral []*Message
	lastMicro int64
	tokens    map[string]tokenState
}

type tokenState int

const (
	tokenActive tokenState = iota
	tokenInactive
	tokenRevoked
)

func newState(w Workspace, clk clock.Clock) *state {
	st := &state{
		clk:      clk,
		team:     w.Team,
		botUser:  w.BotUserID,
		botID:    w.BotID,
		appID:    w.AppID,
		users:    map[string]*User{},
		channels: map[string]*Channel{},
		messages: map[string][]*Message{},
		tokens:   map[string]tokenState{},
	}
	for _, u := range w.Users {
		st.addUser(u)
	}
	for _, c := range w.Channels {
		st.addChannel(c)
	}
	return st
}

func (st *state) addUser(u User) {
	u2 := u
	if _, ok := st.users[u.ID]; !ok {
		st.userOrder = append(st.userOrder, u.ID)
	}
	st.users[u.ID] = &u2
}

func (st *state) addChannel(c Channel) {
	c2 := c
	c2.Members = slices.Clone(c.Members)
	if _, ok := st.channels[c.ID]; !ok {
		st.chanOrder = append(st.chanOrder, c.ID)
	}
	st.channels[c.ID] = &c2
}

// nextTS returns a message timestamp from the clock, nudged forward so that
// timestamps are unique and increasing even when the clock stands still.
func (st *state) nextTS() string {
	m := st.clk.Now().UnixMicro()
	if m <= st.lastMicro {
		m = st.lastMicro + 1
	}
	st.lastMicro = m
	return formatMicro(m)
}

func formatMicro(m int64) string {
	return fmt.Sprintf("%d.%06d", m/1_000_000, m%1_000_000)
}

// parseTS turns "1700000000.000100" (or a bare number) into microseconds.
func parseTS(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	sec, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	if len(frac) > 6 {
		frac = frac[:6]
	}
	for len(frac) < 6 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return n*1_000_000 + f, true
}

func (st *state) isMember(ch *Channel, user string) bool {
	if ch.IM {
		return ch.IMUser == user || user == st.botUser
	}
	return slices.Contains(ch.Members, user)
}

func (st *state) message(channel, ts string) *Message {
	for _, m := range st.messages[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// appendMessage stores m and links it into its thread.
func (st *state) appendMessage(m *Message) {
	st.messages[m.Channel] = append(st.messages[m.Channel], m)
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		if p := st.message(m.Channel, m.ThreadTS); p != nil {
			p.Replies = append(p.Replies, m.TS)
		}
	}
}

// imWith finds or creates the IM between the bot and user.
func (st *state) imWith(user string) (*Channel, bool) {
	for _, id := range st.chanOrder {
		c := st.channels[id]
		if c.IM && c.IMUser == user {
			return c, false
		}
	}
	id := "D0" + strings.TrimPrefix(user, "U")
	for len(id) < 9 {
		id += "0"
	}
	st.addChannel(Channel{ID: id, IM: true, IMUser: user, Creator: st.botUser, Members: []string{st.botUser, user}})
	return st.channels[id], true
}

func (st *state) mpimWith(users []string) (*Channel, bool) {
	all := append([]string{st.botUser}, users...)
	slices.Sort(all)
	all = slices.Compact(all)
	for _, id := range st.chanOrder {
		c := st.channels[id]
		if !c.MPIM {
			continue
		}
		m := slices.Clone(c.Members)
		slices.Sort(m)
		if slices.Equal(m, all) {
			return c, false
		}
	}
	id := fmt.Sprintf("C0MPIM%04d", len(st.chanOrder))
	names := make([]string, 0, len(all))
	for _, u := range all {
		names = append(names, st.users[u].Name)
	}
	st.addChannel(Channel{ID: id, Name: "mpdm-" + strings.Join(names, "--") + "-1", MPIM: true, Private: true,
		Creator: st.botUser, Members: all})
	return st.channels[id], true
}

func cloneMessage(m *Message) Message {
	c := *m
	c.Blocks = slices.Clone(m.Blocks)
	if m.Metadata != nil {
		md := *m.Metadata
		c.Metadata = &md
	}
	if m.Edited != nil {
		e := *m.Edited
		c.Edited = &e
	}
	c.Revisions = slices.Clone(m.Revisions)
	c.Reactions = make([]Reaction, len(m.Reactions))
	for i, r := range m.Reactions {
		c.Reactions[i] = Reaction{Name: r.Name, Users: slices.Clone(r.Users)}
	}
	if len(m.Reactions) == 0 {
		c.Reactions = nil
	}
	c.Replies = slices.Clone(m.Replies)
	return c
}
