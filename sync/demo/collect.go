package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// state is everything the transcript and the page are built from, read
// from the fakes and the store once the day is over.
type state struct {
	cfg   *configs.Config
	dir   directory
	start time.Time
	end   time.Time
	// messages are every message in Slack (thread replies included),
	// ordered by ts; ephemerals are kept apart because Slack keeps no
	// history of them.
	messages   []slackfake.Message
	ephemerals []slackfake.Message
	members    map[string][]string
	notes      []store.Notification
	deliveries map[string]store.Delivery
	findings   map[string]rules.Finding
	issues     []jirafake.Issue
	// sandboxURL is where the fakes listened; links to it are shown as
	// placeholderURL.
	sandboxURL string
}

// placeholderURL replaces the sandbox's address in what the demo shows: the
// address (a random loopback port) dies with the run, and a fixed reserved
// name keeps two runs' pages identical and can never reach a real site.
const placeholderURL = "http://sandbox.invalid"

// stable replaces the sandbox's address in s.
func (s state) stable(text string) string {
	if s.sandboxURL == "" {
		return text
	}
	return strings.ReplaceAll(text, s.sandboxURL, placeholderURL)
}

func (w *world) collect(ctx context.Context, end time.Time) (state, error) {
	s := state{cfg: w.cfg, dir: newDirectory(w.cfg, w.sb.Scenario()), start: w.start, end: end,
		sandboxURL: w.srv.URL, members: map[string][]string{}, deliveries: map[string]store.Delivery{}, findings: map[string]rules.Finding{}}
	s.messages = w.sb.Slack().AllMessages()
	s.ephemerals = w.sb.Slack().Ephemerals()
	for _, ms := range [][]slackfake.Message{s.messages, s.ephemerals} {
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].TS < ms[j].TS })
		for _, m := range ms {
			if _, ok := s.members[m.Channel]; !ok {
				s.members[m.Channel] = w.sb.Slack().Members(m.Channel)
			}
		}
	}
	var err error
	if s.notes, err = w.st.ListNotifications(ctx, store.NotificationFilter{}); err != nil {
		return s, fmt.Errorf("listing notifications: %w", err)
	}
	dels, err := w.st.ListDeliveries(ctx, store.DeliveryFilter{})
	if err != nil {
		return s, fmt.Errorf("listing deliveries: %w", err)
	}
	keys := map[string]bool{}
	for _, d := range dels {
		s.deliveries[d.Key] = d
		keys[d.FindingKey] = true
	}
	for _, n := range s.notes {
		keys[n.FindingKey] = true
	}
	for k := range keys {
		if k == "" {
			continue
		}
		f, err := w.st.GetFinding(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return s, fmt.Errorf("reading finding %s: %w", k, err)
		}
		s.findings[k] = f
	}
	s.issues = w.sb.Jira().Issues()
	return s, nil
}

// deliveryKey is the outbox key a message of ours carries in its metadata.
func deliveryKey(m slackfake.Message) string {
	if m.Metadata == nil || m.Metadata.EventType != "liaison_delivery" {
		return ""
	}
	var p struct {
		Key string `json:"key"`
	}
	if json.Unmarshal(m.Metadata.EventPayload, &p) != nil {
		return ""
	}
	return p.Key
}

// ruleOf names the rule behind one of our messages, "" when it cannot tell.
func (s state) ruleOf(m slackfake.Message) string {
	d, ok := s.deliveries[deliveryKey(m)]
	if !ok {
		return ""
	}
	if f, ok := s.findings[d.FindingKey]; ok {
		return f.Rule
	}
	return ""
}

// notesOf returns the notifications last sent in the post with key.
func (s state) notesOf(key string) []store.Notification {
	if key == "" {
		return nil
	}
	var out []store.Notification
	for _, n := range s.notes {
		if n.DeliveryKey == key {
			out = append(out, n)
		}
	}
	return out
}

// resolved reports whether every finding a post of ours lists is resolved:
// its chat.update then marked it so.
func (s state) resolved(m slackfake.Message) bool {
	ns := s.notesOf(deliveryKey(m))
	if len(ns) == 0 {
		return false
	}
	for _, n := range ns {
		if f, ok := s.findings[n.FindingKey]; !ok || f.Open() {
			return false
		}
	}
	return true
}

// recipientOf is the person a DM of ours went to, or "" for a channel.
func (s state) recipientOf(channel string) string {
	if _, ok := s.dir.channels[channel]; ok {
		return ""
	}
	ms := s.members[channel]
	if len(ms) != 2 {
		return ""
	}
	for _, u := range ms {
		if u != slackfake.BotUserID {
			return u
		}
	}
	return ""
}

// parent returns the top-level message of m's thread.
func (s state) parent(m slackfake.Message) (slackfake.Message, bool) {
	if m.ThreadTS == "" || m.ThreadTS == m.TS {
		return slackfake.Message{}, false
	}
	for _, p := range s.messages {
		if p.Channel == m.Channel && p.TS == m.ThreadTS {
			return p, true
		}
	}
	return slackfake.Message{}, false
}
