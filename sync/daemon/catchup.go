package daemon

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
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
// channel is saved after the channel is stored, so a failure resumes there.
func (a *App) CatchUp(ctx context.Context) error {
	if a.slack == nil {
		return nil
	}
	now := a.clock.Now()
	var errs []error
	for _, c := range a.cfg().Clients {
		for _, ch := range c.SlackChannels {
			if err := a.catchUpChannel(ctx, c.ID, ch, now); err != nil {
				errs = append(errs, fmt.Errorf("catching up %s (client %s): %w", ch, c.ID, err))
			}
		}
	}
	return errors.Join(errs...)
}

func (a *App) catchUpChannel(ctx context.Context, clientID, channel string, now time.Time) error {
	source := "slack.history:" + channel
	oldest := fmt.Sprintf("%d.000000", now.Add(-catchUpWindow).Unix())
	if cur, err := a.st.GetCursor(ctx, source); err == nil && cur.Version == 1 && string(cur.Data) > oldest {
		oldest = string(cur.Data)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var msgs []slackconn.Message
	err := a.slack.History(ctx, channel, oldest, func(page []slackconn.Message) error {
		for _, m := range page {
			msgs = append(msgs, m)
			if m.ReplyCount > 0 {
				if err := a.slack.Replies(ctx, channel, m.TS, oldest, func(rs []slackconn.Message) error {
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
		if seen, err := a.st.GetMessage(ctx, channel, m.TS); err == nil {
			if m.EditedTS == "" || (m.EditedTS == seen.EditedTS && m.Text == seen.Text) {
				continue // seen live, and not edited since
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
		if err := a.onClientMessage(ctx, rec); err != nil {
			return err
		}
	}
	return a.st.PutCursor(ctx, store.Cursor{Source: source, Version: 1, Data: []byte(latest), UpdatedAt: now})
}
