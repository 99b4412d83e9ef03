package response

import (
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

// RuleName is the rule's name in findings, config and routes.
const RuleName = "response"

// Client is what the rule needs to know about one client.
type Client struct {
	ID, Name string
	// Channels are the client's Slack channel ids. A channel listed by
	// several clients belongs to the one with the smallest ID (config
	// validation rejects that; the rule just stays deterministic).
	Channels []string
	// AM is the person id of the account manager; AMName their display name.
	AM, AMName string
	// AMCalendar is the AM's working time, the only time during which a
	// client's wait counts. Nil counts every hour.
	AMCalendar *hours.Calendar
	// Config is the effective setting for this client (global + overrides).
	Config Config
}

// Input is the snapshot the rule reads.
type Input struct {
	Clients []Client
	// Messages are the recent messages of the clients' channels, top-level
	// and replies, in any order. Messages in other channels, and messages
	// whose time is unknown, are ignored. The engine chooses how far back
	// to look; a conversation whose start is missing starts at the oldest
	// message present.
	Messages []Msg
}

// run is a stretch of consecutive unanswered client messages of one
// conversation: what one finding is about.
type run struct {
	client int32
	root   *Msg // the first message; the wait starts here
	count  int32
}

// evaluation is the state of one Evaluate or NextDue call.
type evaluation struct {
	in    *Input
	owner map[string]int32 // channel → client index (enabled clients only)
	runs  []run
}

// newEvaluation groups the messages by channel and finds every run of
// unanswered client messages.
func newEvaluation(in *Input) *evaluation {
	e := &evaluation{in: in, owner: make(map[string]int32)}
	order := make([]int32, len(in.Clients))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(in.Clients[a].ID, in.Clients[b].ID) })
	claimed := make(map[string]bool)
	for _, ci := range order {
		c := &in.Clients[ci]
		for _, ch := range c.Channels {
			// A disabled client still claims its channels, so that turning
			// the rule off for it never hands them to another client.
			if claimed[ch] {
				continue
			}
			claimed[ch] = true
			if c.Config.Enabled {
				e.owner[ch] = ci
			}
		}
	}
	byChannel := make(map[string][]*Msg, len(e.owner))
	for i := range in.Messages {
		m := &in.Messages[i]
		if _, ok := e.owner[m.Channel]; !ok || m.At().IsZero() {
			continue
		}
		byChannel[m.Channel] = append(byChannel[m.Channel], m)
	}
	channels := make([]string, 0, len(byChannel))
	for ch := range byChannel {
		channels = append(channels, ch)
	}
	slices.Sort(channels)
	s := newScanner()
	for _, ch := range channels {
		ms := byChannel[ch]
		slices.SortFunc(ms, rules.CompareMsgs)
		e.runs = s.scan(e.owner[ch], ms, e.runs)
	}
	return e
}

// scanner finds runs in one channel at a time; its maps are reused across
// channels.
type scanner struct {
	lastReply  map[string]int // thread ts → position of its last agency-side reply
	prevThread map[string]int // thread ts → run of the thread's latest client message, -1 after an answer
}

func newScanner() *scanner {
	return &scanner{lastReply: make(map[string]int), prevThread: make(map[string]int)}
}

// scan appends the runs of one channel's messages, sorted by time.
//
// A client message is answered by a later agency-side message in the same
// conversation: for a reply, a later agency reply in its thread; for a
// top-level message, a later agency top-level message or any agency reply
// in its own thread. Bot messages (Liaison's own notices included) and
// unclassified authors answer nothing and interrupt nothing.
//
// Unanswered client messages join the run of the message before them in
// their conversation when that one is unanswered too; the thread parent is
// the message before a thread's first reply.
func (s *scanner) scan(client int32, ms []*Msg, runs []run) []run {
	clear(s.lastReply)
	clear(s.prevThread)
	lastTop := -1
	for i, m := range ms {
		if m.Side != SideAgency {
			continue
		}
		if m.IsReply() {
			s.lastReply[m.ThreadTS] = i
		} else {
			lastTop = i
		}
	}
	prevTop := -1
	join := func(prev int, m *Msg) int {
		if prev >= 0 {
			runs[prev].count++
			return prev
		}
		runs = append(runs, run{client: client, root: m, count: 1})
		return len(runs) - 1
	}
	// Agency messages need no handling below: every client message before
	// one in its conversation is answered, and an answered message already
	// ends the run it would have joined.
	for i, m := range ms {
		switch {
		case m.Side == SideClient && m.IsReply():
			if last, ok := s.lastReply[m.ThreadTS]; ok && last > i {
				s.prevThread[m.ThreadTS] = -1
				continue
			}
			prev, ok := s.prevThread[m.ThreadTS]
			if !ok {
				prev = -1
			}
			s.prevThread[m.ThreadTS] = join(prev, m)
		case m.Side == SideClient:
			if _, replied := s.lastReply[m.TS]; replied || lastTop > i {
				prevTop = -1
				s.prevThread[m.TS] = -1
				continue
			}
			prevTop = join(prevTop, m)
			s.prevThread[m.TS] = prevTop
		}
	}
	return runs
}

// dueTimes returns when run r's wait reaches first_response and
// escalate_after of the AM's working time; ok is false when the calendar
// has no working time left within its horizon.
func (e *evaluation) dueTimes(r *run) (first, escalate time.Time, ok bool) {
	c := &e.in.Clients[r.client]
	start := r.root.At()
	first, ok = addWorking(c.AMCalendar, start, c.Config.FirstResponse)
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	escalate, ok = addWorking(c.AMCalendar, start, c.Config.EscalateAfter)
	if !ok {
		// The first deadline is reachable but the second is not: the
		// finding appears and never escalates.
		escalate = time.Time{}
	}
	return first, escalate, true
}

func addWorking(cal *hours.Calendar, t time.Time, d time.Duration) (time.Time, bool) {
	if cal == nil {
		return t.Add(d), true
	}
	return cal.AddWorking(t, d)
}

func workingDuration(cal *hours.Calendar, from, to time.Time) time.Duration {
	if cal == nil {
		return max(to.Sub(from), 0)
	}
	return cal.WorkingDuration(from, to)
}
