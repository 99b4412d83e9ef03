package daemon

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// streamSource is the cursor holding when the Slack event stream was last
// known to be live: a catch-up after a restart reads history from there.
const streamSource = "slack.stream"

// streamMarkEvery is how often the live mark is saved while connected;
// a restart re-reads at most this much (plus catchUpOverlap) of history.
const streamMarkEvery = time.Minute

// activity remembers the latest message seen per channel, to read the
// busiest channels first after a gap.
type activity struct {
	mu     sync.Mutex
	lastTS map[string]string
}

func (a *activity) saw(channel, ts string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.lastTS == nil {
		a.lastTS = map[string]string{}
	}
	if ts > a.lastTS[channel] {
		a.lastTS[channel] = ts
	}
}

func (a *activity) latest(channel string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastTS[channel]
}

// stream follows the Slack event stream's connection: while it is up,
// events arrive and no history is read; each time it comes (back) up, the
// gap since it was last known live is caught up once, in the background.
type stream struct {
	app *App

	mu        sync.Mutex
	connected bool
	running   bool // a gap catch-up is in progress
	again     bool // another gap opened while it ran
}

// liveSince returns when the stream was last known live (zero if never).
func (s *stream) liveSince(ctx context.Context) time.Time {
	cur, err := s.app.st.GetCursor(ctx, streamSource)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.app.log.Warn("reading when Slack events were last received", "err", err)
		}
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, string(cur.Data))
	if err != nil {
		return time.Time{}
	}
	return t
}

// mark saves now as a moment the stream was live.
func (s *stream) mark(ctx context.Context) {
	now := s.app.clock.Now()
	if err := s.app.st.PutCursor(ctx, store.Cursor{Source: streamSource, Version: 1,
		Data: []byte(now.UTC().Format(time.RFC3339Nano)), UpdatedAt: now}); err != nil && ctx.Err() == nil {
		s.app.log.Warn("saving when Slack events were last received", "err", err)
	}
}

// up is called when the connection is established: the gap since the last
// live mark is read once, in the background.
func (s *stream) up(ctx context.Context) {
	s.mu.Lock()
	s.connected = true
	if s.running {
		s.again = true
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	go s.catchUp(ctx)
}

// down is called when the connection is lost: the mark stays where the
// stream was last known live.
func (s *stream) down(ctx context.Context) {
	s.mu.Lock()
	was := s.connected
	s.connected = false
	s.mu.Unlock()
	if was {
		s.mark(ctx)
	}
}

func (s *stream) catchUp(ctx context.Context) {
	for {
		since := s.liveSince(ctx)
		s.mark(ctx) // from here on, events arrive as they happen
		// observe reports the outcome on /readyz's Slack state and logs a
		// failure once per reason.
		_ = s.app.observe("slack", func(ctx context.Context) error { return s.app.catchUpSince(ctx, since) })(ctx)
		s.mu.Lock()
		if !s.again || ctx.Err() != nil {
			s.running = false
			s.mu.Unlock()
			return
		}
		s.again = false
		s.mu.Unlock()
	}
}

// keepMarking saves the live mark every streamMarkEvery while connected,
// until ctx is done.
func (s *stream) keepMarking(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.app.clock.After(streamMarkEvery):
		}
		s.mu.Lock()
		up := s.connected
		s.mu.Unlock()
		if up {
			s.mark(ctx)
		}
	}
}
