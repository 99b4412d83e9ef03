package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
)

// MaxTimestampSkew is how far X-Slack-Request-Timestamp may be from now;
// older requests are replays as far as we are concerned.
const MaxTimestampSkew = 5 * time.Minute

// DefaultMaxBodyBytes bounds a request body; Slack's events are far smaller.
const DefaultMaxBodyBytes = 4 << 20

// EventsOptions tune an EventsReceiver. Zero values take the defaults.
type EventsOptions struct {
	// Logger defaults to slog.Default(); Clock to clock.Real. The clock
	// judges timestamps; slack-go's verifier also checks them against the
	// wall clock, so the two must agree within minutes.
	Logger *slog.Logger
	Clock  clock.Clock
	// Self is our bot, for Event.Own. When empty, the bot user named in
	// each event's authorizations is used.
	Self Identity
	// QueueSize bounds events acknowledged and not yet handled; a request
	// that finds it full is answered 503, so Slack retries it later.
	QueueSize int
	// DedupeSize and DedupeTTL bound the in-memory event_id memory.
	DedupeSize int
	DedupeTTL  time.Duration
	// Events, when set, is the shared log of handled events that makes
	// retries repeats across restarts and replicas.
	Events EventLog
	// MaxBodyBytes bounds a request body; default DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// EventsReceiver serves the HTTP Events API and interactivity endpoints
// (mount it at /slack/events and /slack/interactive; it tells the two apart
// by content type). It verifies every request's signature before reading
// it, answers at once, and hands events to the Handler from one worker
// goroutine, in arrival order. Call Close on shutdown.
type EventsReceiver struct {
	secret secret.Secret
	opts   EventsOptions
	r      *receiver

	mu     sync.Mutex
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// EventsHandler returns a receiver verifying requests with signingSecret
// and delivering to h. It starts the worker goroutine; Close stops it.
func EventsHandler(signingSecret secret.Secret, h Handler, opts EventsOptions) *EventsReceiver {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &EventsReceiver{
		secret: signingSecret, opts: opts, ctx: ctx, cancel: cancel, done: make(chan struct{}),
		r: &receiver{h: h, log: opts.Logger, seen: newDedupe(opts.Clock, opts.DedupeSize, opts.DedupeTTL), done: opts.Events, self: opts.Self,
			q: make(chan job, opts.QueueSize)},
	}
	go e.work()
	return e
}

func (e *EventsReceiver) work() {
	defer close(e.done)
	for j := range e.r.q {
		e.r.handle(e.ctx, j)
	}
}

// Close stops accepting requests (later ones get 503, and Slack retries
// them), lets the worker finish the queue, and returns when it has, or when
// ctx ends, in which case the Handler's context is cancelled and the
// number of unhandled events is logged.
func (e *EventsReceiver) Close(ctx context.Context) error {
	e.mu.Lock()
	if !e.closed {
		e.closed = true
		close(e.r.q)
	}
	e.mu.Unlock()
	select {
	case <-e.done:
		e.cancel()
		return nil
	case <-ctx.Done():
		if n := len(e.r.q); n > 0 {
			e.opts.Logger.Warn("slack events acknowledged but not handled: shutting down", "count", n)
		}
		e.cancel()
		<-e.done
		return ctx.Err()
	}
}

// ServeHTTP answers one Events API or interactivity request.
func (e *EventsReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if req.ContentLength > e.opts.MaxBodyBytes {
		// Refused before reading: a client that sent Expect: 100-continue
		// never sends the body, and the answer is not lost in a reset.
		e.tooLarge(w, req)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, e.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e.tooLarge(w, req)
			return
		}
		e.opts.Logger.Warn("slack request rejected", "reason", "reading body failed", "remote", req.RemoteAddr, "err", err)
		http.Error(w, "reading request", http.StatusBadRequest)
		return
	}
	if reason := e.verify(req.Header, body); reason != "" {
		// The reason is ours, never the signature or the secret.
		e.opts.Logger.Warn("slack request rejected", "reason", reason, "remote", req.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	retry, _ := strconv.Atoi(req.Header.Get("X-Slack-Retry-Num"))
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mediaType == "application/x-www-form-urlencoded" {
		e.serveInteraction(w, body)
		return
	}
	e.serveEvent(w, body, retry)
}

// tooLarge answers 413 and says so in the log, naming the limit and the
// size declared (-1 when the client did not declare one).
func (e *EventsReceiver) tooLarge(w http.ResponseWriter, req *http.Request) {
	e.opts.Logger.Warn("slack request rejected", "reason", "body too large", "limit_bytes", e.opts.MaxBodyBytes,
		"content_length", req.ContentLength, "remote", req.RemoteAddr)
	w.Header().Set("Connection", "close")
	http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
}

// verify checks the timestamp against our clock and the signature with
// slack-go's verifier. It returns why the request is refused, or "".
func (e *EventsReceiver) verify(h http.Header, body []byte) string {
	if !e.secret.IsSet() {
		return "signing_secret not configured"
	}
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return "missing or malformed X-Slack-Request-Timestamp"
	}
	if skew := e.opts.Clock.Now().Sub(time.Unix(ts, 0)).Abs(); skew > MaxTimestampSkew {
		return "timestamp too far from now"
	}
	v, err := slack.NewSecretsVerifier(h, e.secret.Reveal())
	if err != nil {
		if errors.Is(err, slack.ErrExpiredTimestamp) {
			return "timestamp too far from the wall clock"
		}
		return "missing or malformed signature"
	}
	if _, err := v.Write(body); err != nil {
		return "hashing body"
	}
	if v.Ensure() != nil {
		return "signature mismatch"
	}
	return ""
}

func (e *EventsReceiver) serveEvent(w http.ResponseWriter, body []byte, retry int) {
	api, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		p := probeEvent(body)
		if p.Type == slackevents.CallbackEvent && !usedEventTypes[p.Event.Type] {
			// A subscription slack-go cannot decode and we do not use:
			// acknowledge it, or Slack retries it for nothing.
			e.opts.Logger.Debug("slack event ignored", "event_id", p.EventID, "type", p.Event.Type)
			w.WriteHeader(http.StatusOK)
			return
		}
		e.opts.Logger.Error("slack event unreadable, dropped", "type", p.Type, "event_id", p.EventID, "err", err)
		http.Error(w, "unreadable event", http.StatusBadRequest)
		return
	}
	if api.Type == slackevents.URLVerification {
		uv, ok := api.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			http.Error(w, "unreadable challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": uv.Challenge})
		return
	}
	j, ok := e.r.eventJob(api, retry)
	if ok && !e.enqueue(j) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (e *EventsReceiver) serveInteraction(w http.ResponseWriter, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	raw := form.Get("payload")
	if raw == "" {
		// Slash commands arrive as plain forms; Liaison has none.
		e.opts.Logger.Debug("slack form request without payload ignored", "command", form.Get("command"))
		w.WriteHeader(http.StatusOK)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(raw), &cb); err != nil {
		e.opts.Logger.Error("slack interaction unreadable, dropped", "err", err)
		http.Error(w, "unreadable payload", http.StatusBadRequest)
		return
	}
	j, ok := e.r.actionJob(cb)
	if ok && !e.enqueue(j) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// enqueue queues j without blocking. When the queue is full or closed it
// forgets j's key, so that Slack's retry of the refused request is handled.
func (e *EventsReceiver) enqueue(j job) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		select {
		case e.r.q <- j:
			return true
		default:
		}
	}
	e.r.seen.forget(j.key)
	e.opts.Logger.Warn("slack event refused (queue full or closing); Slack will retry it", j.describe()...)
	return false
}
