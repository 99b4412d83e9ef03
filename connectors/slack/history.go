package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// historyPageSize is Slack's recommended page size for history and replies;
// larger pages are allowed but answer slower and fail more often.
const historyPageSize = 200

// Message is one message read from history or a thread, with what the
// shared connectors.Message leaves out (bot id, metadata, reactions).
type Message struct {
	Channel  string
	TS       string
	ThreadTS string // parent's ts for replies; equal to TS on a thread parent
	User     string
	Team     string // the author's workspace
	BotID    string // set on messages posted by apps, ours included
	Text     string
	Subtype  string
	EditedTS string
	// ReplyCount is the number of thread replies, on a parent only.
	ReplyCount int
	// Metadata is set when the message carries any (FindByMetadata asks for it).
	Metadata  *deliver.Metadata
	Reactions []Reaction
}

// Reaction is one emoji on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
	Count int
}

// Record returns m as the shared connectors.Message, for the store.
func (m Message) Record() connectors.Message {
	return connectors.Message{ChannelID: m.Channel, TS: m.TS, ThreadTS: m.ThreadTS, UserID: m.User, TeamID: m.Team,
		Text: m.Text, Subtype: m.Subtype, EditedTS: m.EditedTS}
}

func fromSlack(channel string, sm slack.Message) Message {
	m := Message{Channel: channel, TS: sm.Timestamp, ThreadTS: sm.ThreadTimestamp, User: sm.User, Team: sm.Team,
		BotID: sm.BotID, Text: sm.Text, Subtype: sm.SubType, ReplyCount: sm.ReplyCount}
	if sm.Edited != nil {
		m.EditedTS = sm.Edited.Timestamp
	}
	if sm.Metadata.EventType != "" {
		m.Metadata = &deliver.Metadata{EventType: sm.Metadata.EventType, Payload: sm.Metadata.EventPayload}
	}
	for _, r := range sm.Reactions {
		m.Reactions = append(m.Reactions, Reaction{Name: r.Name, Users: r.Users, Count: r.Count})
	}
	return m
}

// SlackTS formats t as a Slack timestamp ("1700000000.000100"); the zero
// time gives "" (no bound).
func SlackTS(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// History pages through channel's messages newer than oldest (a Slack ts;
// "" for all), newest first as Slack returns them, and calls fn with each
// page. Thread replies are not included (use Replies). It is meant for
// catch-up after downtime: pages are paced for Tier 3 and rate limits are
// waited out on the clock, up to Options.RateLimitRetries in a row. An
// error from fn stops the walk and is returned as is.
func (c *Client) History(ctx context.Context, channel, oldest string, fn func([]Message) error) error {
	return c.history(ctx, channel, oldest, false, 0, fn)
}

// history is History with metadata and an optional bound on how many
// messages to read (most <= 0: no bound).
func (c *Client) history(ctx context.Context, channel, oldest string, meta bool, most int, fn func([]Message) error) error {
	cursor, read := "", 0
	for {
		limit := historyPageSize
		if most > 0 {
			limit = min(limit, most-read)
		}
		params := &slack.GetConversationHistoryParameters{ChannelID: channel, Cursor: cursor, Limit: limit,
			Oldest: oldest, IncludeAllMetadata: meta}
		var resp *slack.GetConversationHistoryResponse
		err := c.tier3(ctx, "conversations.history", func() error {
			var err error
			resp, err = c.api.GetConversationHistoryContext(ctx, params)
			return err
		})
		if err != nil {
			return err
		}
		page := make([]Message, 0, len(resp.Messages))
		for _, sm := range resp.Messages {
			page = append(page, fromSlack(channel, sm))
		}
		if most > 0 && len(page) > most-read {
			page = page[:most-read]
		}
		read += len(page)
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		cursor = resp.ResponseMetaData.NextCursor
		if !resp.HasMore || cursor == "" || (most > 0 && read >= most) {
			return nil
		}
	}
}

// Replies pages through the thread at threadTS in channel, replies newer
// than oldest ("" for all), oldest first; Slack puts the parent first on the
// first page whatever oldest says. Pacing and rate limits are as for History.
func (c *Client) Replies(ctx context.Context, channel, threadTS, oldest string, fn func([]Message) error) error {
	return c.replies(ctx, channel, threadTS, oldest, false, fn)
}

func (c *Client) replies(ctx context.Context, channel, threadTS, oldest string, meta bool, fn func([]Message) error) error {
	cursor := ""
	for {
		params := &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: threadTS, Cursor: cursor,
			Limit: historyPageSize, Oldest: oldest, IncludeAllMetadata: meta}
		var (
			msgs    []slack.Message
			hasMore bool
		)
		err := c.tier3(ctx, "conversations.replies", func() error {
			var err error
			msgs, hasMore, cursor, err = c.api.GetConversationRepliesContext(ctx, params)
			return err
		})
		if err != nil {
			return err
		}
		page := make([]Message, 0, len(msgs))
		for _, sm := range msgs {
			page = append(page, fromSlack(channel, sm))
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if !hasMore || cursor == "" {
			return nil
		}
	}
}

// errFound stops a history walk once FindByMetadata has its answer.
var errFound = errors.New("found")

// errLimit stops a thread walk once limit replies have been read.
var errLimit = errors.New("limit reached")

// FindByMetadata looks through at most limit of channel's most recent
// messages, none older than oldest, for one posted by our bot with metadata
// of eventType whose payload "key" is key. With threadTS set it searches
// that thread's replies instead (conversations.replies): history never
// returns thread replies, so a reply posted just before a crash would
// otherwise be posted again.
func (c *Client) FindByMetadata(ctx context.Context, channel, threadTS, eventType, key string, oldest time.Time, limit int) (string, bool, error) {
	if limit <= 0 {
		return "", false, nil
	}
	self, err := c.AuthTest(ctx)
	if err != nil {
		return "", false, err
	}
	var ts string
	match := func(page []Message) error {
		for _, m := range page {
			ours := (self.BotID != "" && m.BotID == self.BotID) || (self.UserID != "" && m.User == self.UserID)
			if !ours || m.Metadata == nil || m.Metadata.EventType != eventType {
				continue
			}
			if v, ok := m.Metadata.Payload["key"].(string); ok && v == key {
				ts = m.TS
				return errFound
			}
		}
		return nil
	}
	if threadTS == "" {
		err = c.history(ctx, channel, SlackTS(oldest), true, limit, match)
	} else {
		seen := 0
		err = c.replies(ctx, channel, threadTS, SlackTS(oldest), true, func(page []Message) error {
			if err := match(page); err != nil {
				return err
			}
			// A thread is searched whole up to limit: replies come oldest
			// first, and a long thread is rare for the bot's threads.
			if seen += len(page); seen >= limit {
				return errLimit
			}
			return nil
		})
		if errors.Is(err, errLimit) {
			err = nil
		}
	}
	switch {
	case errors.Is(err, errFound):
		return ts, true, nil
	case err != nil:
		return "", false, err
	}
	return "", false, nil
}

// tier3 makes one paced call of a Tier 3 method, waiting out rate limits on
// the clock up to Options.RateLimitRetries times in a row.
func (c *Client) tier3(ctx context.Context, method string, call func() error) error {
	for attempt := 0; ; attempt++ {
		if err := c.pace.wait(ctx); err != nil {
			return c.wrap(method, err)
		}
		err := c.wrap(method, call())
		var rl *RateLimitError
		if err == nil || !errors.As(err, &rl) || attempt >= c.opts.RateLimitRetries {
			return err
		}
		c.log.Debug("slack rate limit, waiting", "method", method, "wait", rl.Wait, "attempt", attempt+1)
		c.pace.waited.Add(int64(rl.Wait))
		select {
		case <-c.clk.After(rl.Wait):
		case <-ctx.Done():
			return c.wrap(method, ctx.Err())
		}
	}
}

// pacer spaces calls interval apart on the clock. Slots are reserved before
// waiting, so concurrent callers queue instead of bursting together.
type pacer struct {
	clk      clock.Clock
	interval time.Duration
	mu       sync.Mutex
	next     time.Time
	waited   atomic.Int64 // nanoseconds spent waiting for slots and rate limits
}

// LimitWait is how long history reads (conversations.history and
// conversations.replies) have waited for Slack's limits since c was made:
// Tier 3 pacing and the waits 429 answers asked for.
func (c *Client) LimitWait() time.Duration { return time.Duration(c.pace.waited.Load()) }

func (p *pacer) wait(ctx context.Context) error {
	if p.interval <= 0 {
		return nil
	}
	p.mu.Lock()
	now := p.clk.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	p.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return nil
	}
	p.waited.Add(int64(d))
	select {
	case <-p.clk.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
