package sandbox

import (
	"errors"
	"fmt"
	"strings"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// ErrNoTarget is returned (wrapped) when an action names a person,
// channel, message or button that is not there.
var ErrNoTarget = errors.New("no such target")

// The methods below act in Slack as a person would, through the Slack fake,
// so that the events and interactivity payloads a real workspace sends
// reach the daemon. People are named by scenario id (person or contact) or
// Slack user id; channels by client id, channel name or id, or a person id
// for that person's direct messages with Liaison.

// userRef resolves a person or contact id, or passes a Slack id through.
func (s *Sandbox) userRef(ref string) (string, error) {
	if id := s.sc.slackIDs[ref]; id != "" {
		return id, nil
	}
	if strings.HasPrefix(ref, "U") || strings.HasPrefix(ref, "W") {
		return ref, nil
	}
	return "", fmt.Errorf("user %q: %w", ref, ErrNoTarget)
}

// channelRef resolves a client id, channel name or id, or a person's
// direct messages with Liaison.
func (s *Sandbox) channelRef(ref string) (string, error) {
	if id := s.sc.channels[ref]; id != "" {
		return id, nil
	}
	if ref == "general" {
		return generalChannelID, nil
	}
	if user := s.sc.slackIDs[ref]; user != "" {
		if dm, ok := s.slack.DMChannel(user); ok {
			return dm, nil
		}
		return "", fmt.Errorf("Liaison has no direct messages with %q yet: %w", ref, ErrNoTarget)
	}
	if len(ref) > 1 && strings.ContainsRune("CDG", rune(ref[0])) {
		return ref, nil
	}
	return "", fmt.Errorf("channel %q: %w", ref, ErrNoTarget)
}

// PostAs posts text as user in channel, in the thread of threadTS when set.
// <@id> mentions of people and contacts become Slack mentions.
func (s *Sandbox) PostAs(user, channel, text, threadTS string) (slackfake.Message, error) {
	u, err := s.userRef(user)
	if err != nil {
		return slackfake.Message{}, err
	}
	ch, err := s.channelRef(channel)
	if err != nil {
		return slackfake.Message{}, err
	}
	return s.slack.PostUserMessage(slackfake.UserMessage{Channel: ch, User: u, Text: s.mentions(text), ThreadTS: threadTS})
}

// EditAs has user (the author; empty means the author) change a message's
// text; the daemon receives message_changed.
func (s *Sandbox) EditAs(user, channel, ts, text string) (slackfake.Message, error) {
	ch, u, err := s.authorOf(user, channel, ts)
	if err != nil {
		return slackfake.Message{}, err
	}
	return s.slack.EditUserMessage(ch, ts, u, s.mentions(text))
}

// DeleteAs has user (the author; empty means the author) delete a message;
// the daemon receives message_deleted.
func (s *Sandbox) DeleteAs(user, channel, ts string) error {
	ch, u, err := s.authorOf(user, channel, ts)
	if err != nil {
		return err
	}
	return s.slack.DeleteUserMessage(ch, ts, u)
}

func (s *Sandbox) authorOf(user, channel, ts string) (string, string, error) {
	ch, err := s.channelRef(channel)
	if err != nil {
		return "", "", err
	}
	m, ok := s.slack.Message(ch, ts)
	if !ok {
		return "", "", fmt.Errorf("message %s/%s: %w", ch, ts, ErrNoTarget)
	}
	if user == "" {
		return ch, m.User, nil
	}
	u, err := s.userRef(user)
	return ch, u, err
}

// ReactAs adds user's reaction name (without colons) to a message; the
// daemon receives reaction_added.
func (s *Sandbox) ReactAs(user, channel, ts, name string) error {
	u, err := s.userRef(user)
	if err != nil {
		return err
	}
	ch, err := s.channelRef(channel)
	if err != nil {
		return err
	}
	return s.slack.AddReaction(ch, ts, u, strings.Trim(name, ":"))
}

// Pressed is a button press the Slack fake delivered.
type Pressed struct {
	Channel  string `json:"channel"`
	TS       string `json:"ts"`
	Delivery string `json:"delivery"` // the interactivity delivery's id
}

// PressAs has user press the button actionID on a message Liaison posted
// in channel (default: the user's direct messages with Liaison): the one
// at ts, or else the latest that carries the button and whose text
// contains containing. The daemon receives the block_actions payload over
// Socket Mode or the Events API, as Slack sends it.
func (s *Sandbox) PressAs(user, actionID, channel, ts, containing string) (Pressed, error) {
	u, err := s.userRef(user)
	if err != nil {
		return Pressed{}, err
	}
	if channel == "" {
		channel = user
	}
	ch, err := s.channelRef(channel)
	if err != nil {
		return Pressed{}, err
	}
	if ts == "" {
		for _, m := range append(s.slack.Messages(ch), s.slack.Ephemerals()...) {
			if m.Channel == ch && m.BotID != "" && slackfake.HasAction(m.Blocks, actionID) &&
				strings.Contains(m.Text+string(m.Blocks), containing) && (!m.Ephemeral || m.EphemeralUser == u) && m.TS > ts {
				ts = m.TS
			}
		}
		if ts == "" {
			return Pressed{}, fmt.Errorf("no message from Liaison in %s with a %s button: %w", ch, actionID, ErrNoTarget)
		}
	}
	id, err := s.slack.ClickButton(ch, ts, u, actionID)
	if err != nil {
		return Pressed{}, err
	}
	return Pressed{Channel: ch, TS: ts, Delivery: id}, nil
}
