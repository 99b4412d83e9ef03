package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/liaisonhq/liaison/connectors"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/store"
)

var _ slackconn.Handler = (*App)(nil)

// HandleEvent stores what Slack says happened in the clients' channels, so
// that rules see it. Returning after the store write is what makes an
// acknowledged event safe: a crash after this point loses nothing.
func (a *App) HandleEvent(ctx context.Context, e slackconn.Event) error {
	clientID := a.clientOfChannel(e.Channel)
	if clientID == "" {
		return nil
	}
	switch e.Kind {
	case slackconn.KindMessage, slackconn.KindMessageChanged:
		if e.Own || e.BotID != "" {
			return nil // bots never ask or answer for a side
		}
		a.activity.saw(e.Channel, e.TS)
		m := e.Record()
		m.ClientID = clientID
		a.enrich(ctx, &m)
		if err := a.st.UpsertMessages(ctx, []connectors.Message{m}); err != nil {
			return fmt.Errorf("storing message %s/%s: %w", e.Channel, e.TS, err)
		}
		// An edit is judged like a new message: a client who adds a
		// specialist's mention afterwards is redirected all the same. A
		// change that leaves the text alone (a link preview attached) is
		// not news. Findings and replies are keyed by the message, so
		// however many edits there are, each happens once.
		if e.Kind == slackconn.KindMessage || e.PreviousText != e.Text {
			return a.onClientMessage(ctx, m)
		}
	case slackconn.KindReactionAdded:
		return a.questions.OnReaction(ctx, engine.Reaction{Channel: e.Channel, ItemTS: e.ItemTS, UserID: e.User, Reaction: e.Reaction})
	case slackconn.KindMessageDeleted:
		if err := a.st.MarkMessageDeleted(ctx, e.Channel, e.TS); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("marking message %s/%s deleted: %w", e.Channel, e.TS, err)
		}
	}
	return nil
}

// HandleAction passes alert buttons to delivery.
func (a *App) HandleAction(ctx context.Context, act slackconn.Action) error {
	switch act.ActionID {
	case questions.ActionAskSpecialist:
		return a.questions.OnAskSpecialist(ctx, act.Value, act.UserID)
	case faq.ActionPost, faq.ActionReject:
		settled, err := a.faq.OnAction(ctx, act.ActionID, act.Value, act.UserID)
		if err != nil {
			return err
		}
		// The AM sees what the click did in place of the buttons. The
		// action itself is done and recorded; a failure here only leaves
		// the old suggestion on screen.
		if settled.Text != "" && act.ResponseURL != "" && a.slack != nil {
			if err := a.slack.Respond(ctx, act.ResponseURL, deliver.Message{Text: settled.Text, Blocks: settled.Blocks}); err != nil {
				a.log.Warn("replacing a settled faq suggestion", "err", err)
			}
		}
		return nil
	}
	err := a.deliver.HandleAction(ctx, deliver.Action{
		ActionID: act.ActionID, Value: act.Value, UserID: act.UserID,
		ChannelID: act.ChannelID, MessageTS: act.MessageTS,
	})
	if errors.Is(err, deliver.ErrUnknownAction) {
		a.log.Debug("ignoring an action that is not ours", "action_id", act.ActionID)
		return nil
	}
	return err
}

// onClientMessage runs the event-driven rules on a stored client-channel
// message: redirect and out of hours, then the answer base. Both run even
// when one fails.
func (a *App) onClientMessage(ctx context.Context, m connectors.Message) error {
	return errors.Join(a.engine.OnMessage(ctx, m), a.faq.OnMessage(ctx, m))
}

// enrich fills what rules need and the event lacks: the author's workspace
// (Slack Connect events do not always name it; users.info does, cached) and
// the message's permalink for alerts. Failures leave the fields empty: the
// author is then not taken for a client, which errs on the quiet side.
func (a *App) enrich(ctx context.Context, m *connectors.Message) {
	if a.slack == nil {
		return
	}
	if m.TeamID == "" && a.cfg().PersonBySlackID(m.UserID) == nil {
		if u, err := a.slack.UserInfo(ctx, m.UserID); err == nil {
			m.TeamID = u.TeamID
			if u.IsStranger && u.TeamID == "" {
				m.TeamID = "external"
			}
		} else {
			a.log.Warn("looking up a message author", "user", m.UserID, "err", err)
		}
	}
	if m.Permalink == "" {
		if link, err := a.slack.Permalink(ctx, m.ChannelID, m.TS, m.ThreadTS); err == nil {
			m.Permalink = link
		}
	}
}

func (a *App) clientOfChannel(channel string) string {
	for _, c := range a.cfg().Clients {
		for _, ch := range c.SlackChannels {
			if ch == channel {
				return c.ID
			}
		}
	}
	return ""
}

// RunSlack receives Slack events over Socket Mode until ctx is done, when
// Slack is configured in socket mode. Each time the connection comes up
// (at start and after a drop), what was said since the stream was last
// live is read from history once, in the background; while it stays up no
// history is read at all. In events mode, where Slack pushes to the HTTP
// endpoint, the gap of the restart is caught up once, and RunSlack waits
// for ctx. Without Slack it returns at once.
func (a *App) RunSlack(ctx context.Context) error {
	if a.slack == nil {
		return nil
	}
	s := &stream{app: a}
	go s.keepMarking(ctx)
	if a.cfg().Connections.Slack.Mode != slackconn.ModeSocket {
		s.up(ctx)
		<-ctx.Done()
		return nil
	}
	sm, err := slackconn.NewSocketMode(a.slack, slackconn.SocketOptions{
		Logger: a.log.With("connector", "slack"), Clock: a.clock,
		Events:    newStoreEventLog(a.st, a.clock, a.log),
		Inbox:     newStoreInbox(a.st, a.clock),
		OnConnect: func() { s.up(ctx) }, OnDisconnect: func() { s.down(ctx) },
	})
	if err != nil {
		return fmt.Errorf("slack socket mode: %w", err)
	}
	return sm.Run(ctx, a)
}

// Mount adds the local silence API and the push endpoints the config asks
// for: Slack's Events API in events mode and Jira's webhook when it has a
// secret. onJiraChange asks for an immediate pull. It returns a function
// that stops the receivers.
func (a *App) Mount(mux *http.ServeMux, onJiraChange func()) (stop func(context.Context)) {
	var stops []func(context.Context)
	a.mountAPI(mux)
	c := a.cfg()
	if a.slack != nil && c.Connections.Slack.Mode == slackconn.ModeEvents {
		rcv := slackconn.EventsHandler(c.Connections.Slack.SigningSecret, a, slackconn.EventsOptions{
			Logger: a.log.With("connector", "slack"), Clock: a.clock,
			Events: newStoreEventLog(a.st, a.clock, a.log),
		})
		mux.Handle("POST /slack/events", rcv)
		mux.Handle("POST /slack/interactive", rcv)
		stops = append(stops, func(ctx context.Context) { _ = rcv.Close(ctx) })
	}
	if a.jira != nil && c.Connections.Jira.WebhookSecret.IsSet() {
		mux.Handle("POST /jira/webhook", a.jira.WebhookHandler(c.Connections.Jira.WebhookSecret.Reveal(), onJiraChange))
	}
	return func(ctx context.Context) {
		for _, s := range stops {
			s(ctx)
		}
	}
}
