package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing/fstest"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// world is the sample agency's upstreams and Liaison, wired together in one
// process on one simulated clock.
type world struct {
	clk   *clock.Fake
	sb    *sandbox.Sandbox
	srv   *httptest.Server
	cfg   *configs.Config
	st    *sqlite.Store
	app   *daemon.App
	seen  *seenEvents
	log   *slog.Logger
	start time.Time
	// clicked are the answer-base suggestions the AM has acted on.
	clicked map[msgRef]bool

	stopSlack context.CancelFunc
	slackDone chan error
}

// newWorld starts the sandbox on a loopback listener, writes its config,
// opens a store in stateDir and builds the App, all on a fake clock standing
// at start. Slack events reach the App over Socket Mode, as in production.
func newWorld(ctx context.Context, opts Options, stateDir string) (_ *world, err error) {
	start, log := opts.Start, opts.Logger
	w := &world{clk: clock.NewFake(start), log: log, start: start, seen: newSeenEvents(), clicked: map[msgRef]bool{}}
	defer func() {
		if err != nil {
			_ = w.close()
		}
	}()
	w.sb, err = sandbox.New(sandbox.Options{Clock: w.clk, SlackRateLimits: slackfake.RateLimitsReal,
		Logger: log.With("component", "sandbox"), Seed: opts.Seed})
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	if err := seedAds(w.sb, start); err != nil {
		return nil, err
	}
	w.srv, err = loopbackServer(w.sb.Handler())
	if err != nil {
		return nil, err
	}
	w.sb.Slack().SetBaseURL(w.srv.URL)
	yml, err := w.sb.Config(w.srv.URL, sandbox.ConfigOptions{DataDir: stateDir, Listen: "127.0.0.1:0", FAQ: "faq.yaml"})
	if err != nil {
		return nil, fmt.Errorf("writing the sandbox config: %w", err)
	}
	if opts.Agency != nil {
		// The agency's own config, its connections pointed at the sandbox.
		merged, err := withSandboxConnections(opts.Agency, yml)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", opts.AgencyPath, err)
		}
		if w.cfg, err = configs.Parse(opts.AgencyPath, merged); err != nil {
			return nil, err
		}
	} else {
		// The example answer base, from the binary: the demo needs no files.
		w.cfg, err = configs.Parse("sandbox.yaml", yml, configs.WithFS(fstest.MapFS{"faq.yaml": {Data: configs.ExampleFAQ()}}))
		if err != nil {
			return nil, fmt.Errorf("reading the sandbox config: %w", err)
		}
	}
	w.st, err = sqlite.Open(ctx, stateDir, sqlite.Options{Clock: w.clk, Logger: log.With("component", "store")})
	if err != nil {
		return nil, fmt.Errorf("opening the demo store: %w", err)
	}
	cfgFn := func() *configs.Config { return w.cfg }
	w.app, err = daemon.NewApp(cfgFn, w.st, daemon.AppOptions{Clock: w.clk, Logger: log.With("component", "app"),
		HTTPClient: w.srv.Client()})
	if err != nil {
		return nil, fmt.Errorf("building liaison: %w", err)
	}
	if err := w.startSlack(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// loopbackServer serves h on 127.0.0.1 only: the demo never listens on a
// public interface.
func loopbackServer(h http.Handler) (*httptest.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	return srv, nil
}

// startSlack connects Socket Mode with its own Slack client and hands each
// event to the App through seenEvents, which tells the loop when the App has
// finished with everything Slack sent: the App's own RunSlack gives no such
// signal, and without it the loop could not wait for the App deterministically.
func (w *world) startSlack(ctx context.Context) error {
	sc, err := slackconn.New(w.cfg.Connections.Slack, slackconn.Options{HTTPClient: w.srv.Client(),
		Logger: w.log.With("connector", "slack"), Clock: w.clk})
	if err != nil {
		return fmt.Errorf("building the demo's slack client: %w", err)
	}
	sm, err := slackconn.NewSocketMode(sc, slackconn.SocketOptions{Logger: w.log.With("connector", "slack"), Clock: w.clk})
	if err != nil {
		return fmt.Errorf("slack socket mode: %w", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	w.stopSlack, w.slackDone = cancel, make(chan error, 1)
	w.seen.next = w.app
	go func() { w.slackDone <- sm.Run(sctx, w.seen) }()
	return nil
}

// close stops Socket Mode, the listener and the store; it is safe to call
// on a partly built world.
func (w *world) close() error {
	var errs []error
	if w.stopSlack != nil {
		w.stopSlack()
		if err := <-w.slackDone; err != nil {
			errs = append(errs, fmt.Errorf("slack socket mode: %w", err))
		}
		w.stopSlack = nil
	}
	if w.sb != nil {
		_ = w.sb.Close()
	}
	if w.srv != nil {
		w.srv.CloseClientConnections()
		w.srv.Close()
		w.srv = nil
	}
	if w.st != nil {
		if err := w.st.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing the demo store: %w", err))
		}
		w.st = nil
	}
	return errors.Join(errs...)
}

// seenEvents passes Slack's events to the App and remembers which messages
// the App has finished handling.
type seenEvents struct {
	next slackconn.Handler

	mu      sync.Mutex
	handled map[msgRef]bool
	// clicks are the messages whose button click the App has handled.
	clicks  map[msgRef]bool
	changed chan struct{}
}

// msgRef names one version of a message: edited is the ts of the edit that
// produced it, empty for the original.
type msgRef struct{ channel, ts, edited string }

func newSeenEvents() *seenEvents {
	return &seenEvents{handled: map[msgRef]bool{}, clicks: map[msgRef]bool{}, changed: make(chan struct{})}
}

func (s *seenEvents) HandleEvent(ctx context.Context, e slackconn.Event) error {
	err := s.next.HandleEvent(ctx, e)
	var ref msgRef
	switch e.Kind {
	case slackconn.KindMessage:
		ref = msgRef{e.Channel, e.TS, ""}
	case slackconn.KindMessageChanged:
		ref = msgRef{e.Channel, e.TS, e.EditedTS}
	default:
		return err
	}
	s.mark(s.handled, ref)
	return err
}

func (s *seenEvents) mark(set map[msgRef]bool, ref msgRef) {
	s.mu.Lock()
	set[ref] = true
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *seenEvents) HandleAction(ctx context.Context, a slackconn.Action) error {
	err := s.next.HandleAction(ctx, a)
	s.mark(s.clicks, msgRef{a.ChannelID, a.MessageTS, ""})
	return err
}

// clicked reports whether the App has handled a click on the message at
// ref, and returns a channel closed at the next change.
func (s *seenEvents) clicked(ref msgRef) (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clicks[ref], s.changed
}

// missing returns the first of refs not handled yet and a channel closed at
// the next change.
func (s *seenEvents) missing(refs []msgRef) (msgRef, bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range refs {
		if !s.handled[r] {
			return r, true, s.changed
		}
	}
	return msgRef{}, false, s.changed
}
