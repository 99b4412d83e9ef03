package redirect

import (
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/rules"
)

// DirectReply is a specialist answering a client message directly: the
// habit the rule exists to break, counted for a metric and the head's
// weekly digest. Answers to messages the rule redirected (the client
// addressed the specialist) and to messages addressed to nobody in
// particular are told apart by Redirected.
type DirectReply struct {
	ClientID string
	// Specialist is the specialist's person id.
	Specialist string
	// Channel and TS identify the specialist's reply.
	Channel, TS string
	// ClientTS is the ts of the client message answered.
	ClientTS string
	// Redirected is true when that message was redirected to the AM;
	// false when it addressed no specialist and the specialist answered
	// it anyway.
	Redirected bool
}

// conversation is where the latest client message of a thread or of a
// channel's top level stands.
type conversation struct {
	clientTS   string          // latest client message; "" when none yet
	redirected bool            // whether Evaluate would have redirected it
	window     bool            // whether it was written in an exception window
	counted    map[string]bool // specialists already counted for it
}

// DirectReplies finds the specialists of client c who answered a client
// message directly: one that was redirected, or one that addressed no
// specialist. msgs are messages of the client's channels in any
// order (others are ignored), spanning whatever period the caller counts.
//
// A specialist's message answers the latest client message before it in the
// same conversation: a thread reply answers the latest client message of the
// thread, parent included; a top-level message answers the latest top-level
// client message of the channel. It counts when neither message was written
// in an exception window (direct contact is fine then), as Redirected when
// the client message would have been redirected (see Evaluate). Each
// specialist counts once per client message, however many replies they
// send. The result is ordered by channel,
// then time.
func DirectReplies(c Client, msgs []Msg) []DirectReply {
	if !c.Config.Enabled {
		return nil
	}
	ms := make([]*Msg, 0, len(msgs))
	for i := range msgs {
		if slices.Contains(c.Channels, msgs[i].Channel) {
			ms = append(ms, &msgs[i])
		}
	}
	slices.SortStableFunc(ms, func(a, b *Msg) int {
		if r := strings.Compare(a.Channel, b.Channel); r != 0 {
			return r
		}
		if rules.CompareMsgs(a, b) < 0 {
			return -1
		}
		if rules.CompareMsgs(b, a) < 0 {
			return 1
		}
		return 0
	})
	var out []DirectReply
	for start := 0; start < len(ms); {
		end := start + 1
		for end < len(ms) && ms[end].Channel == ms[start].Channel {
			end++
		}
		out = directInChannel(&c, ms[start:end], out)
		start = end
	}
	return out
}

// directInChannel scans one channel's messages in time order.
func directInChannel(c *Client, ms []*Msg, out []DirectReply) []DirectReply {
	var top conversation
	threads := make(map[string]*conversation)
	earlier := make(map[string][]Msg) // thread ts → its messages so far, parent included
	thread := func(ts string) *conversation {
		cv, ok := threads[ts]
		if !ok {
			cv = &conversation{}
			threads[ts] = cv
		}
		return cv
	}
	for _, m := range ms {
		tts := m.ThreadRoot()
		switch m.Side {
		case SideClient:
			specs, _ := addressed(c, m, earlier[tts])
			window := inWindow(c, m.WrittenAt())
			cv := conversation{clientTS: m.TS, redirected: len(specs) > 0 && !window, window: window}
			if !m.IsReply() {
				top = cv
			}
			*thread(tts) = cv
		case SideAgency:
			p := specialist(c, m)
			if p == nil || inWindow(c, m.At()) {
				break
			}
			cv := &top
			if m.IsReply() {
				cv = thread(tts)
			}
			if cv.clientTS == "" || cv.window || cv.counted[p.ID] {
				break
			}
			if cv.counted == nil {
				cv.counted = make(map[string]bool)
			}
			cv.counted[p.ID] = true
			out = append(out, DirectReply{ClientID: c.ID, Specialist: p.ID, Channel: m.Channel, TS: m.TS,
				ClientTS: cv.clientTS, Redirected: cv.redirected})
		}
		earlier[tts] = append(earlier[tts], *m)
	}
	return out
}

// specialist returns the client's specialist who wrote m, or nil.
func specialist(c *Client, m *Msg) *Person {
	for i := range c.Specialists {
		if isPerson(&c.Specialists[i], m) {
			return &c.Specialists[i]
		}
	}
	return nil
}
