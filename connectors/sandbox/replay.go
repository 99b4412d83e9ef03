package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// ReplayDue posts every scenario message whose offset from the start has
// been reached at now and that was not posted yet, in scenario order, then
// does the activity (edits, deletions, reactions, button presses) due, as
// the people doing it would (events go to a connected Socket Mode
// client, or wait for one). The demo loop calls it after moving its clock;
// Replay calls it for the CLI. A message the Slack fake refuses is skipped,
// never retried, and reported in the joined error.
func (s *Sandbox) ReplayDue(now time.Time) ([]slackfake.Message, error) {
	s.replayMu.Lock()
	defer s.replayMu.Unlock()
	var out []slackfake.Message
	var errs []error
	for i, m := range s.sc.Messages {
		if s.posted[i] || s.start.Add(s.sc.atOf[i]).After(now) {
			continue
		}
		s.posted[i] = true
		um := slackfake.UserMessage{Channel: s.sc.channels[m.Channel], User: s.sc.slackIDs[m.User], Text: s.mentions(m.Text)}
		if m.ThreadOf != "" {
			um.ThreadTS = s.postedTS[m.ThreadOf]
			if um.ThreadTS == "" {
				errs = append(errs, fmt.Errorf("replaying messages[%d]: its thread %q was not posted", i, m.ThreadOf))
				continue
			}
		}
		posted, err := s.slack.PostUserMessage(um)
		if err != nil {
			errs = append(errs, fmt.Errorf("replaying messages[%d]: %w", i, err))
			continue
		}
		if m.ID != "" {
			s.postedTS[m.ID] = posted.TS
		}
		s.log.Debug("replayed message", "index", i, "channel", posted.Channel, "ts", posted.TS)
		out = append(out, posted)
	}
	for i, a := range s.sc.Activity {
		if s.acted[i] || s.start.Add(s.sc.actAt[i]).After(now) {
			continue
		}
		s.acted[i] = true
		if err := s.act(a); err != nil {
			errs = append(errs, fmt.Errorf("replaying activity[%d]: %w", i, err))
		}
	}
	return out, errors.Join(errs...)
}

// act does one scenario activity. Messages it names were posted earlier in
// the replay (validation made sure they come first).
func (s *Sandbox) act(a Activity) error {
	target := a.Edit + a.Delete + a.React
	var channel, ts string
	if target != "" {
		m := s.sc.Messages[indexOfMessage(s.sc, target)]
		channel, ts = s.sc.channels[m.Channel], s.postedTS[target]
		if ts == "" {
			return fmt.Errorf("message %q was not posted", target)
		}
	}
	switch {
	case a.Edit != "":
		_, err := s.EditAs(a.User, channel, ts, a.Text)
		return err
	case a.Delete != "":
		return s.DeleteAs(a.User, channel, ts)
	case a.React != "":
		return s.ReactAs(a.User, channel, ts, a.Reaction)
	}
	_, err := s.PressAs(a.User, a.Press, a.In, "", a.Containing)
	return err
}

// NextReplay returns when the next unposted message or activity is due,
// and false when everything was replayed.
func (s *Sandbox) NextReplay() (time.Time, bool) {
	s.replayMu.Lock()
	defer s.replayMu.Unlock()
	var next time.Time
	found := false
	for i := range s.sc.Messages {
		if s.posted[i] {
			continue
		}
		at := s.start.Add(s.sc.atOf[i])
		if !found || at.Before(next) {
			next, found = at, true
		}
	}
	for i := range s.sc.Activity {
		if s.acted[i] {
			continue
		}
		at := s.start.Add(s.sc.actAt[i])
		if !found || at.Before(next) {
			next, found = at, true
		}
	}
	return next, found
}

// Replay posts the scenario's messages and does its activity at their offsets, waiting on the
// sandbox's clock (so a clock.Fake drives it), until every message is
// posted, ctx ends or the sandbox closes. Refused messages are logged and
// skipped. It returns ctx's error when cancelled, else nil.
func (s *Sandbox) Replay(ctx context.Context) error {
	for {
		next, ok := s.NextReplay()
		if !ok {
			return nil
		}
		if d := next.Sub(s.clk.Now()); d > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-s.closed:
				return nil
			case <-s.clk.After(d):
			}
		}
		if _, err := s.ReplayDue(s.clk.Now()); err != nil {
			s.log.Warn("replaying scenario messages", "err", err)
		}
	}
}

// mentions turns <@person-id> into <@U...>; validation made sure every id
// mentioned exists.
func (s *Sandbox) mentions(text string) string {
	return mentionIDRE.ReplaceAllStringFunc(text, func(m string) string {
		id := m[2 : len(m)-1]
		if sid := s.sc.slackIDs[id]; sid != "" {
			return "<@" + sid + ">"
		}
		return m
	})
}
