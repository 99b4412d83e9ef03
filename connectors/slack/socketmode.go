package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// SocketOptions tune a SocketMode runner. Zero values take the defaults.
type SocketOptions struct {
	// Logger defaults to the Client's; Clock too.
	Logger *slog.Logger
	Clock  clock.Clock
	// QueueSize bounds acknowledged events waiting for the Handler; when it
	// is full, acks wait too. Default DefaultQueueSize.
	QueueSize int
	// DedupeSize and DedupeTTL bound the in-memory event_id memory.
	DedupeSize int
	DedupeTTL  time.Duration
	// Events, when set, is the shared log of handled events that makes
	// redeliveries repeats across restarts and replicas.
	Events EventLog
	// Inbox, when set, records each delivery durably before it is
	// acknowledged, so that a kill between the ack and the handling loses
	// nothing. When it cannot record one, the envelope is not acknowledged
	// and Slack redelivers it.
	Inbox Inbox
	// MinBackoff and MaxBackoff bound the pause between failed runs of the
	// connection (slack-go already retries dials; this covers the rest).
	// Defaults 1 s and 2 min.
	MinBackoff, MaxBackoff time.Duration
	// OnConnect is called each time a connection is established, the first
	// and every reconnection; OnDisconnect each time one is lost or being
	// replaced. Events sent in between were missed: a caller reads history
	// for that gap. Both run on the reading goroutine and must not block.
	OnConnect, OnDisconnect func()
}

// SocketMode receives events and interactions over a Socket Mode
// websocket (slack-go's socketmode), records each envelope in the Inbox
// when one is given, then acknowledges it and hands it to a Handler.
type SocketMode struct {
	c    *Client
	opts SocketOptions
	seen *dedupe

	// beforeAck, when set by tests, runs before each ack.
	beforeAck func(envelopeID string)
}

// NewSocketMode returns a runner over c, which must have an app token.
func NewSocketMode(c *Client, opts SocketOptions) (*SocketMode, error) {
	if !c.cfg.AppToken.IsSet() {
		return nil, errors.New("slack: socket mode needs app_token (xapp-...)")
	}
	if opts.Logger == nil {
		opts.Logger = c.log
	}
	if opts.Clock == nil {
		opts.Clock = c.clk
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 2 * time.Minute
	}
	return &SocketMode{c: c, opts: opts, seen: newDedupe(opts.Clock, opts.DedupeSize, opts.DedupeTTL)}, nil
}

// Run connects and serves until ctx is done, then returns nil. It learns
// our bot's identity first (auth.test), so that Event.Own is set. Slack's
// disconnect requests and dropped connections are reconnected by slack-go;
// other failures are retried here with backoff on the clock. Run returns an
// error only when retrying cannot help (invalid or revoked tokens).
//
// Events still queued when ctx ends are acknowledged but not handled; their
// number is logged. With an Inbox they are handled at the next start.
func (s *SocketMode) Run(ctx context.Context, h Handler) error {
	lg := s.opts.Logger
	self, err := s.identity(ctx)
	if err != nil || ctx.Err() != nil {
		return err
	}
	sm := socketmode.New(s.c.api, socketmode.OptionLog(log.New(slogWriter{l: lg, secrets: s.c.secrets}, "", 0)))
	r := &receiver{h: h, log: lg, seen: s.seen, done: s.opts.Events, self: self, q: make(chan job, s.opts.QueueSize),
		box: s.opts.Inbox}
	replayC := make(chan struct{}, 1)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.work(ctx, r, replayC) })
	wg.Go(func() { s.read(ctx, sm, r, replayC) })
	defer func() {
		cancel()
		wg.Wait()
	}()

	for attempt := 0; ; attempt++ {
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		werr := s.c.wrap("apps.connections.open", err)
		if deliver.IsPermanent(werr) {
			lg.Error("slack socket mode stopped", "err", werr)
			return werr
		}
		wait := backoff(s.opts.MinBackoff, s.opts.MaxBackoff, attempt)
		lg.Warn("slack socket mode connection failed, retrying", "err", werr, "in", wait)
		select {
		case <-s.opts.Clock.After(wait):
		case <-ctx.Done():
			return nil
		}
	}
}

// identity calls auth.test, retrying transient failures with backoff.
func (s *SocketMode) identity(ctx context.Context) (Identity, error) {
	for attempt := 0; ; attempt++ {
		id, err := s.c.AuthTest(ctx)
		if err == nil {
			return id, nil
		}
		if deliver.IsPermanent(err) {
			return Identity{}, err
		}
		wait := backoff(s.opts.MinBackoff, s.opts.MaxBackoff, attempt)
		if d, ok := deliver.RetryAfterOf(err); ok {
			wait = max(wait, d)
		}
		s.opts.Logger.Warn("slack auth.test failed, retrying", "err", err, "in", wait)
		select {
		case <-s.opts.Clock.After(wait):
		case <-ctx.Done():
			return Identity{}, nil
		}
	}
}

// read records envelopes as they arrive (with an Inbox), acknowledges them
// and queues their content. Each connection asks the worker, through
// replayC, to handle what is left in the Inbox.
func (s *SocketMode) read(ctx context.Context, sm *socketmode.Client, r *receiver, replayC chan<- struct{}) {
	lg := s.opts.Logger
	for {
		var ev socketmode.Event
		select {
		case <-ctx.Done():
			return
		case ev = <-sm.Events:
		}
		var (
			j  job
			ok bool
		)
		switch ev.Type {
		case socketmode.EventTypeEventsAPI:
			api, isAPI := ev.Data.(slackevents.EventsAPIEvent)
			if !isAPI {
				s.ack(ctx, sm, ev.Request)
				continue
			}
			retry := 0
			if ev.Request != nil {
				retry = ev.Request.RetryAttempt
			}
			j, ok = r.eventJob(api, retry)
			if ok && !s.record(ctx, r, ev.Request, &j) {
				continue
			}
			s.ack(ctx, sm, ev.Request)
		case socketmode.EventTypeInteractive:
			if cb, isCB := ev.Data.(slack.InteractionCallback); isCB {
				j, ok = r.actionJob(cb)
			}
			if ok && !s.record(ctx, r, ev.Request, &j) {
				continue
			}
			s.ack(ctx, sm, ev.Request)
		case socketmode.EventTypeSlashCommand:
			s.ack(ctx, sm, ev.Request)
			lg.Debug("slack slash command ignored")
		case socketmode.EventTypeConnected:
			lg.Info("slack socket mode connected")
			select {
			case replayC <- struct{}{}:
			default:
			}
			if s.opts.OnConnect != nil {
				s.opts.OnConnect()
			}
		case socketmode.EventTypeConnecting:
			if s.opts.OnDisconnect != nil {
				s.opts.OnDisconnect()
			}
		case socketmode.EventTypeConnectionError:
			if s.opts.OnDisconnect != nil {
				s.opts.OnDisconnect()
			}
			if ce, isCE := ev.Data.(*slack.ConnectionErrorEvent); isCE {
				lg.Warn("slack socket mode connection error", "err", s.c.wrap("apps.connections.open", ce.ErrorObj),
					"attempt", ce.Attempt, "backoff", ce.Backoff)
			}
		case socketmode.EventTypeInvalidAuth:
			lg.Error("slack socket mode: invalid app token")
		case socketmode.EventTypeDisconnect:
			lg.Info("slack asked socket mode to reconnect")
			if s.opts.OnDisconnect != nil {
				s.opts.OnDisconnect()
			}
		case socketmode.EventTypeErrorBadMessage:
			if bm, isBM := ev.Data.(*socketmode.ErrorBadMessage); isBM {
				s.badMessage(ctx, sm, bm)
			}
		case socketmode.EventTypeErrorWriteFailed:
			lg.Warn("slack socket mode ack not sent; Slack will redeliver")
		default:
			lg.Debug("slack socket mode event", "type", ev.Type)
		}
		if !ok {
			continue
		}
		select {
		case r.q <- j:
		case <-ctx.Done():
			if j.inbox {
				lg.Info("slack event recorded, not yet handled: shutting down; it is handled at the next start", j.describe()...)
			} else {
				lg.Warn("slack event acknowledged but not handled: shutting down", j.describe()...)
			}
			return
		}
	}
}

// badMessage acknowledges an envelope slack-go could not decode, since a
// redelivery would fail the same way, and logs it: at debug level for event
// types Liaison does not use, as an error otherwise.
func (s *SocketMode) badMessage(ctx context.Context, sm *socketmode.Client, bm *socketmode.ErrorBadMessage) {
	var env struct {
		EnvelopeID string          `json:"envelope_id"`
		Type       string          `json:"type"`
		Payload    json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(bm.Message, &env)
	s.ack(ctx, sm, &socketmode.Request{EnvelopeID: env.EnvelopeID})
	p := probeEvent(env.Payload)
	if env.Type == socketmode.RequestTypeEventsAPI && !usedEventTypes[p.Event.Type] {
		s.opts.Logger.Debug("slack event ignored", "event_id", p.EventID, "type", p.Event.Type)
		return
	}
	s.opts.Logger.Error("slack socket mode message unreadable, dropped", "type", env.Type, "event_id", p.EventID,
		"err", bm.Cause)
}

func (s *SocketMode) ack(ctx context.Context, sm *socketmode.Client, req *socketmode.Request) {
	if req == nil || req.EnvelopeID == "" {
		return
	}
	if s.beforeAck != nil {
		s.beforeAck(req.EnvelopeID)
	}
	if err := sm.AckCtx(ctx, req.EnvelopeID, nil); err != nil && ctx.Err() == nil {
		s.opts.Logger.Warn("slack socket mode ack failed; Slack will redeliver", "err", err)
	}
}

// work calls the Handler for queued jobs, in order, until ctx ends. With
// an Inbox it first handles what an earlier run left there, oldest first,
// and again on each connection and every InboxSweep.
func (s *SocketMode) work(ctx context.Context, r *receiver, replayC <-chan struct{}) {
	s.replay(ctx, r)
	var sweep <-chan time.Time
	for {
		if s.opts.Inbox != nil && sweep == nil {
			sweep = s.opts.Clock.After(InboxSweep)
		}
		select {
		case <-ctx.Done():
			if n := len(r.q); n > 0 {
				if s.opts.Inbox != nil {
					s.opts.Logger.Info("slack events recorded, not yet handled: shutting down; they are handled at the next start", "count", n)
				} else {
					s.opts.Logger.Warn("slack events acknowledged but not handled: shutting down", "count", n)
				}
			}
			return
		case <-replayC:
			s.replay(ctx, r)
		case <-sweep:
			sweep = nil
			s.replay(ctx, r)
		case j := <-r.q:
			r.handle(ctx, j)
		}
	}
}

// backoff is min·2^attempt capped at max; no jitter, because there is one
// connection per process and nothing to spread.
func backoff(lo, hi time.Duration, attempt int) time.Duration {
	d := lo
	for i := 0; i < attempt && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}
