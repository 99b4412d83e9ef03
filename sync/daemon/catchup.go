package daemon

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/store"
)

// catchUpWindow bounds how far back a catch-up reads when a channel has no
// cursor yet: older conversations have long been handled by people.
const catchUpWindow = 3 * 24 * time.Hour

// CatchUp reads what was said in the clients' channels while Liaison was not
// listening (conversations.history and, for threads with replies,
// conversations.replies, paced for Tier 3) and feeds every message it did
// not have, or that was edited since it was stored, through the same path
// as a live event. Rules see the messages;
// replies to clients are not sent for stale ones (the engine's freshness
// check), so nobody gets an automatic answer hours late. A cursor per
// channel is saved after the channel is stored, so a failure resumes there;
// each channel is read from its cursor (at most catchUpWindow back).
// `liaison sync --once`, which has no event stream, polls this way.
func (a *App) CatchUp(ctx context.Context) error { return a.catchUpSince(ctx, time.Time{}) }

// catchUpSince is CatchUp for a gap in the event stream that began at
// since: no channel is read further back than that. Channels go most
// active first, so that the conversations most likely to hold something
// are read before the others wait out Slack's pacing.
func (a *App) catchUpSince(ctx context.Context, since time.Time) error {
	if a.slack == nil {
		return nil
	}
	start, waited := a.clock.Now(), a.slack.LimitWait()
	type channel struct{ client, id, latest string }
	var chans []channel
	for _, c := range a.cfg().Clients {
		for _, ch := range c.SlackChannels {
			chans = append(chans, channel{client: c.ID, id: ch, latest: a.activity.latest(ch)})
		}
	}
	var errs []error
	for i := range chans {
		if chans[i].latest != "" {
			continue
		}
		cur, err := a.st.GetCursor(ctx, historySource(chans[i].id))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("reading the history cursor of %s: %w", chans[i].id, err))
		}
		if err == nil && cur.Version == 1 {
			chans[i].latest = string(cur.Data)
		}
	}
	sort.SliceStable(chans, func(i, j int) bool { return chans[i].latest > chans[j].latest })
	for _, ch := range chans {
		if err := a.catchUpChannel(ctx, ch.client, ch.id, start, since); err != nil {
			errs = append(errs, fmt.Errorf("catching up %s (client %s): %w", ch.id, ch.client, err))
		}
	}
	took, wait := a.clock.Now().Sub(start), a.slack.LimitWait()-waited
	a.tally.add(func(s *Summary) { s.SlackChannels += len(chans); s.SlackTime += took; s.SlackWait += wait })
	a.log.Debug("slack caught up", "channels", len(chans), "took", took, "waiting_for_limits", wait)
	return errors.Join(errs...)
}

// catchUpOverlap is read again before a gap's start: the moment a
// connection dropped is only known to within this.
const catchUpOverlap = time.Minute

// reactionLookback is how far before a gap's start messages are read again
// for their reactions alone: Slack has no history of reactions, and an
// account manager forwards a client's question with an emoji on a message
// that is usually hours, not days, old. A reaction_added event sent while
// nobody listened is found this way on the message it was added to.
const reactionLookback = 24 * time.Hour

func historySource(channel string) string { return "slack.history:" + channel }

func (a *App) catchUpChannel(ctx context.Context, clientID, channel string, now, since time.Time) error {
	source := historySource(channel)
	oldest := fmt.Sprintf("%d.000000", now.Add(-catchUpWindow).Unix())
	if !since.IsZero() {
		if s := fmt.Sprintf("%d.000000", since.Add(-catchUpOverlap).Unix()); s > oldest {
			oldest = s
		}
	}
	if cur, err := a.st.GetCursor(ctx, source); err == nil && cur.Version == 1 && string(cur.Data) > oldest {
		oldest = string(cur.Data)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// After a gap, messages from before it are read too, for the reactions
	// added during it; they are not judged again as messages.
	read := oldest
	if !since.IsZero() {
		if r := fmt.Sprintf("%d.000000", since.Add(-reactionLookback).Unix()); r < read {
			read = r
		}
	}
	var msgs []slackconn.Message
	err := a.slack.History(ctx, channel, read, func(page []slackconn.Message) error {
		for _, m := range page {
			msgs = append(msgs, m)
			if m.ReplyCount > 0 {
				if err := a.slack.Replies(ctx, channel, m.TS, read, func(rs []slackconn.Message) error {
					for _, r := range rs {
						if r.TS != m.TS {
							msgs = append(msgs, r)
						}
					}
					return nil
				}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Oldest first, so that a thread's parent is stored before its replies
	// (Slack ts strings of one era have one length and sort as text).
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].TS < msgs[j].TS })
	latest := oldest
	for _, m := range msgs {
		if m.TS > latest {
			latest = m.TS
		}
		if m.BotID != "" {
			continue
		}
		if err := a.catchUpMessage(ctx, clientID, channel, m, m.TS > oldest || m.EditedTS != ""); err != nil {
			return err
		}
	}
	return a.st.PutCursor(ctx, store.Cursor{Source: source, Version: 1, Data: []byte(latest), UpdatedAt: now})
}

// catchUpMessage stores and judges a message read from history that was
// not seen live (or was edited since), when judge is set, and then replays
// its reactions as reaction_added events would have come: forwarding a
// question is keyed by the message, so a reaction already handled live
// changes nothing.
func (a *App) catchUpMessage(ctx context.Context, clientID, channel string, m slackconn.Message, judge bool) error {
	if judge {
		if err := a.judgeCaughtUp(ctx, clientID, channel, m); err != nil {
			return err
		}
	}
	var errs []error
	for _, r := range m.Reactions {
		for _, u := range r.Users {
			if err := a.questions.OnReaction(ctx, engine.Reaction{Channel: channel, ItemTS: m.TS, UserID: u, Reaction: r.Name}); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// judgeCaughtUp stores m and runs the message rules on it. A client's
// message seen live and not edited since is judged again all the same: a
// process killed between storing it and recording what it called for
// (the reply, the alert) left nothing else to find it by, and findings and
// replies are keyed by the message, so one already handled changes
// nothing. The agency's messages seen live are not judged again: they are
// counted, not answered.
func (a *App) judgeCaughtUp(ctx context.Context, clientID, channel string, m slackconn.Message) error {
	if seen, err := a.st.GetMessage(ctx, channel, m.TS); err == nil {
		if m.EditedTS == "" || (m.EditedTS == seen.EditedTS && m.Text == seen.Text) {
			if side, _ := engine.ClassifyAuthor(a.cfg(), seen); side == engine.SideClient {
				return a.onClientMessage(ctx, seen)
			}
			return nil // seen live, and not edited since
		}
		// Edited while nobody listened: judged again, as the live
		// message_changed event would have been.
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	rec := m.Record()
	rec.ClientID = clientID
	a.enrich(ctx, &rec)
	if err := a.st.UpsertMessages(ctx, []connectors.Message{rec}); err != nil {
		return err
	}
	a.tally.add(func(s *Summary) { s.Messages++ })
	return a.onClientMessage(ctx, rec)
}
