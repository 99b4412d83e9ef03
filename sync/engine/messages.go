package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/outofhours"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/response"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// responseLookback bounds how far back the response rule reads messages: a
// client left unanswered for two weeks has long been escalated.
const responseLookback = 14 * 24 * time.Hour

// staleEvent is how old a message may be and still get an automatic reply:
// messages caught up after downtime are judged (the AM is alerted) but the
// client is not answered hours later.
const staleEvent = 15 * time.Minute

// OnMessage runs the event-driven rules (redirect, out of hours) on a client
// channel's message that has just been stored, and records what they want
// done with delivery in one transaction.
func (e *Engine) OnMessage(ctx context.Context, m connectors.Message) error {
	cfg := e.cfg()
	c := cfg.Client(m.ClientID)
	if c == nil || m.Deleted {
		return nil
	}
	side, person := ClassifyAuthor(cfg, m)
	if side == SideAgency {
		return e.countDirectReply(ctx, cfg, c, m, person)
	}
	if side != SideClient {
		return nil
	}
	now := e.clock.Now()
	// An edit is as fresh as the edit: the client who just added a
	// mention to yesterday's message is here now.
	fresh := now.Sub(writtenAt(m)) <= staleEvent

	var thread []connectors.Message
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		var err error
		if thread, err = e.st.Thread(ctx, m.ChannelID, m.ThreadTS); err != nil {
			return fmt.Errorf("loading thread %s/%s: %w", m.ChannelID, m.ThreadTS, err)
		}
	}
	var errs []string
	if out, ok := redirect.Evaluate(redirect.Input{
		Client: redirectClient(cfg, c), Msg: redirectMsg(cfg, m, side, person), Thread: redirectThread(cfg, thread, m.TS),
	}, now); ok {
		var replies []deliver.Reply
		if fresh && out.Reply != nil {
			replies = append(replies, deliver.Reply{Key: out.Reply.Key, Channel: out.Reply.Channel,
				ThreadTS: out.Reply.ThreadTS, Text: out.Reply.Text, FindingKey: out.Finding.Key})
		}
		if fresh {
			for _, n := range out.SpecialistNotes {
				replies = append(replies, deliver.Reply{Key: n.Key, Channel: n.Channel, ThreadTS: n.ThreadTS,
					User: n.UserSlackID, Text: n.Text, FindingKey: out.Finding.Key})
			}
		}
		res, err := e.rec.Record(ctx, redirect.RuleName, []rules.Finding{out.Finding}, replies, now)
		if err != nil {
			errs = append(errs, fmt.Sprintf("redirect: %v", err))
		} else if res.New > 0 {
			// The head reads redirects in the audit log beside the direct
			// replies: once per client message, however often it is judged.
			f := out.Finding.Fields
			if _, err := e.st.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: "slack:" + m.UserID, Action: AuditRedirect,
				Detail: fmt.Sprintf("client=%s specialist=%s am=%s channel=%s ts=%s",
					c.ID, f[redirect.FieldSpecialist], f[redirect.FieldAM], m.ChannelID, m.TS)}); err != nil {
				errs = append(errs, fmt.Sprintf("redirect audit: %v", err))
			}
		}
	}
	if fresh {
		if n, ok := outofhours.Evaluate(outofhours.Input{Client: outOfHoursClient(cfg, c), Msg: outOfHoursMsg(m)}, now); ok {
			// The outbox keys replies, so a second message in the same
			// off-period finds the notice already queued and adds nothing.
			reply := deliver.Reply{Key: n.Key, Channel: n.Channel, ThreadTS: n.ThreadTS, Text: n.Text}
			if _, err := e.rec.Record(ctx, outofhours.RuleName, nil, []deliver.Reply{reply}, now); err != nil {
				errs = append(errs, fmt.Sprintf("outofhours: %v", err))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("message %s/%s: %s", m.ChannelID, m.TS, strings.Join(errs, "; "))
	}
	return nil
}

// countDirectReply notes a specialist answering a client directly: the
// domain's main mistake, counted so the head sees it (a metric and an audit
// entry), apart for messages the rule had redirected to the AM and for
// messages that addressed no specialist.
func (e *Engine) countDirectReply(ctx context.Context, cfg *configs.Config, c *configs.Client, m connectors.Message, personID string) error {
	if !slices.Contains(c.Specialists, personID) {
		return nil
	}
	conv := []connectors.Message{m}
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		thread, err := e.st.Thread(ctx, m.ChannelID, m.ThreadTS)
		if err != nil {
			return fmt.Errorf("loading thread %s/%s: %w", m.ChannelID, m.ThreadTS, err)
		}
		conv = thread
	}
	msgs := make([]redirect.Msg, 0, len(conv))
	for _, t := range conv {
		side, p := ClassifyAuthor(cfg, t)
		msgs = append(msgs, redirectMsg(cfg, t, side, p))
	}
	for _, d := range redirect.DirectReplies(redirectClient(cfg, c), msgs) {
		if d.TS != m.TS {
			continue
		}
		kind, action, detail := MessageRedirected, AuditDirectReply, "redirected="+d.ClientTS
		if !d.Redirected {
			kind, action, detail = MessageUnaddressed, AuditUnaddressedReply, "answered="+d.ClientTS
		}
		e.directReplies.WithLabelValues(c.ID, personID, kind).Inc()
		if _, err := e.st.AppendAudit(ctx, store.AuditEntry{Time: e.clock.Now(), Actor: "slack:" + m.UserID,
			Action: action, Detail: fmt.Sprintf("client=%s specialist=%s channel=%s ts=%s %s",
				c.ID, personID, m.ChannelID, m.TS, detail)}); err != nil {
			return fmt.Errorf("recording a direct reply: %w", err)
		}
	}
	return nil
}

// writtenAt is when the message got its current text: its last edit, or
// when it was posted.
func writtenAt(m connectors.Message) time.Time {
	rm := redirect.Msg{TS: m.TS, Edited: connectors.SlackTime(m.EditedTS)}
	return rm.WrittenAt()
}

// Audit actions of the redirect rule: a client's message handed to the AM,
// and a specialist answering a client directly — a message that was
// redirected to the AM, or one that addressed no specialist.
const (
	AuditRedirect         = "redirect"
	AuditDirectReply      = "redirect.direct_reply"
	AuditUnaddressedReply = "redirect.unaddressed_reply"
)

// Values of the "message" label of liaison_redirect_direct_replies_total:
// what kind of client message the specialist answered.
const (
	MessageRedirected  = "redirected"
	MessageUnaddressed = "unaddressed"
)

// RunResponse evaluates the response rule over the clients' recent messages.
func (e *Engine) RunResponse(ctx context.Context) error {
	cfg := e.cfg()
	now := e.clock.Now()
	var channels []string
	in := response.Input{}
	for _, c := range cfg.Clients {
		channels = append(channels, c.SlackChannels...)
		am := cfg.Person(c.AccountManager)
		amName := c.AccountManager
		if am != nil {
			amName = am.Name
		}
		in.Clients = append(in.Clients, response.Client{ID: c.ID, Name: c.Name, Channels: c.SlackChannels,
			AM: c.AccountManager, AMName: amName, AMCalendar: cfg.Calendar(c.AccountManager),
			Config: cfg.ClientRules(c.ID).Response})
	}
	if len(channels) == 0 {
		return nil
	}
	since := slackTS(now.Add(-responseLookback))
	msgs, err := e.st.ListMessages(ctx, store.MessageFilter{ChannelIDs: channels, SinceTS: since})
	if err != nil {
		return fmt.Errorf("loading messages: %w", err)
	}
	for _, m := range msgs {
		side, person := ClassifyAuthor(cfg, m)
		in.Messages = append(in.Messages, response.Msg{Channel: m.ChannelID, TS: m.TS, ThreadTS: m.ThreadTS,
			UserID: m.UserID, Side: side, PersonID: person, Text: m.Text, Permalink: m.Permalink})
	}
	answered, err := e.faqAnswered(ctx, cfg, now.Add(-responseLookback))
	if err != nil {
		return err
	}
	in.Messages = append(in.Messages, answered...)
	findings := response.Evaluate(in, now)
	res, err := e.rec.Reconcile(ctx, response.RuleName, clientIDs(cfg), findings, now)
	if err != nil {
		return fmt.Errorf("recording %d findings: %w", len(findings), err)
	}
	e.log.Debug("rule evaluated", "rule", response.RuleName, "messages", len(msgs), "findings", len(findings),
		"new", res.New, "resolved", res.Resolved)
	return nil
}

// slackTS writes t as a Slack timestamp, for ts comparisons in the store.
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

func person(cfg *configs.Config, id string) redirect.Person {
	p := cfg.Person(id)
	if p == nil {
		return redirect.Person{ID: id, Name: id}
	}
	return redirect.Person{ID: p.ID, Name: p.Name, SlackUserID: p.SlackUserID, Language: p.Language}
}

func redirectClient(cfg *configs.Config, c *configs.Client) redirect.Client {
	rc := redirect.Client{ID: c.ID, Name: c.Name, Language: c.Language, Location: cfg.ClientLocation(c.ID),
		Channels: c.SlackChannels, AM: person(cfg, c.AccountManager), Exceptions: cfg.ClientWindows(c.ID),
		Config: cfg.ClientRules(c.ID).Redirect}
	for _, s := range c.Specialists {
		rc.Specialists = append(rc.Specialists, person(cfg, s))
	}
	return rc
}

func redirectMsg(cfg *configs.Config, m connectors.Message, side Side, personID string) redirect.Msg {
	return redirect.Msg{Channel: m.ChannelID, TS: m.TS, ThreadTS: m.ThreadTS, UserID: m.UserID,
		Side: side, PersonID: personID, Text: m.Text, Permalink: m.Permalink, Edited: connectors.SlackTime(m.EditedTS)}
}

func redirectThread(cfg *configs.Config, thread []connectors.Message, self string) []redirect.Msg {
	out := make([]redirect.Msg, 0, len(thread))
	for _, t := range thread {
		if t.TS == self {
			continue
		}
		side, p := ClassifyAuthor(cfg, t)
		out = append(out, redirectMsg(cfg, t, side, p))
	}
	return out
}

func outOfHoursClient(cfg *configs.Config, c *configs.Client) outofhours.Client {
	am := person(cfg, c.AccountManager)
	return outofhours.Client{ID: c.ID, Name: c.Name, Language: c.Language, Location: cfg.ClientLocation(c.ID),
		Channels: c.SlackChannels, AM: am.ID, AMName: am.Name, AMSlackID: am.SlackUserID,
		AMCalendar: cfg.Calendar(c.AccountManager), Config: cfg.ClientRules(c.ID).OutOfHours}
}

func outOfHoursMsg(m connectors.Message) outofhours.Msg {
	return outofhours.Msg{Channel: m.ChannelID, TS: m.TS, ThreadTS: m.ThreadTS, UserID: m.UserID,
		Side: outofhours.SideClient, Text: m.Text, Permalink: m.Permalink}
}
