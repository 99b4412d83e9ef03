package deliver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// escalationState is where a finding's escalation to one recipient
// stands, as a message tells it: who hears of it and when they will, or
// did.
type escalationState struct {
	recipient string
	at        time.Time
	done      bool // sent at at; otherwise due at at
}

// escalationsOf reads, for an open finding, the escalations its route
// plans, except to the reader (recipient) themself. An escalation made moot
// (the finding is acknowledged, so a waiting escalation will be dropped)
// is left out: nothing will happen, and nothing did.
func (d *Deliverer) escalationsOf(ctx context.Context, dir Directory, f rules.Finding, recipient string, acked bool) ([]escalationState, error) {
	if !f.Open() {
		return nil, nil
	}
	var out []escalationState
	for _, r := range routeFinding(dir, f).escalate {
		if r == recipient {
			continue
		}
		n, err := d.st.GetNotification(ctx, f.Key, r)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the escalation of %s to %s: %w", f.Key, r, err)
		}
		switch {
		case n.State == store.NotifyWaiting && acked:
		case n.State == store.NotifyWaiting && !n.Bypass:
			// It becomes due then, and goes at the recipient's next
			// working moment from there.
			out = append(out, escalationState{recipient: r, at: nextWorking(calendarOf(dir, r), n.DueAt)})
		case n.State == store.NotifyWaiting || n.State == store.NotifyPending:
			out = append(out, escalationState{recipient: r, at: n.DueAt})
		case !n.SentAt.IsZero():
			out = append(out, escalationState{recipient: r, at: n.SentAt, done: true})
		}
	}
	return out, nil
}

// escalationTags says what will happen and when ("escalates to Olena
// Kovalenko on Thu 3 Dec, 09:00"), or what did; recipients due or reached
// at the same minute share one tag.
func (r rendering) escalationTags(es []escalationState) []string {
	type group struct {
		done  bool
		at    time.Time
		names []string
	}
	var groups []*group
	for _, e := range es {
		at := e.at.Truncate(time.Minute)
		var g *group
		for _, x := range groups {
			if x.done == e.done && x.at.Equal(at) {
				g = x
			}
		}
		if g == nil {
			g = &group{done: e.done, at: at}
			groups = append(groups, g)
		}
		g.names = append(g.names, r.recipientName(e.recipient))
	}
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		format := r.cat.escalatesTo
		if g.done {
			format = r.cat.escalatedTo
		}
		out = append(out, fmt.Sprintf(format, strings.Join(g.names, ", "), r.when(g.at)))
	}
	return out
}

// recipientName names a recipient for a reader: a person's name, a
// channel as #id.
func (r rendering) recipientName(recipient string) string {
	if ch := channelIDOf(recipient); ch != "" {
		return "#" + ch
	}
	if n := r.personName(recipient); n != "" {
		return n
	}
	return recipient
}
