package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Disconnect reasons Slack sends in a disconnect message.
const (
	DisconnectRefresh = "refresh_requested"
	DisconnectWarning = "warning"
	DisconnectLinkDis = "link_disabled"
)

// socketHub is the Socket Mode side: tickets from apps.connections.open,
// live connections, envelopes waiting for a connection and in flight.
type socketHub struct {
	s        *Server
	mu       sync.Mutex
	tickets  map[string]bool
	conns    []*sockConn
	pending  []*envelope
	inflight map[string]*envelope
	opened   int
	seq      int
	// turn picks the next connection: Slack spreads an app's events over
	// its open connections (up to 10).
	turn int
}

type sockConn struct {
	id       int
	c        *websocket.Conn
	draining bool
	done     chan struct{}
}

type envelope struct {
	id      string
	d       *Delivery
	attempt int
	reason  string
	acked   chan struct{}
}

func newSocketHub(s *Server) *socketHub {
	return &socketHub{s: s, tickets: map[string]bool{}, inflight: map[string]*envelope{}}
}

// Connections reports how many Socket Mode connections are open (not
// counting ones told to disconnect).
func (s *Server) Connections() int {
	h := s.sock
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

// ConnectionsOpened counts websocket connections ever accepted.
func (s *Server) ConnectionsOpened() int {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	return s.sock.opened
}

func (s *Server) appsConnectionsOpen(_ *request) (map[string]any, []outbound, *apiError) {
	ticket := fmt.Sprintf("%08x-%04x-fake-ticket", s.clk.Now().UnixNano()&0xffffffff, s.nextIDLocked())
	s.sock.mu.Lock()
	s.sock.tickets[ticket] = true
	s.sock.mu.Unlock()
	ws := "ws" + strings.TrimPrefix(s.baseURL, "http")
	return map[string]any{"url": fmt.Sprintf("%s/link/?ticket=%s&app_id=%s", ws, ticket, s.st.appID)}, nil, nil
}

func (h *socketHub) serveWS(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	h.mu.Lock()
	ok := h.tickets[ticket]
	delete(h.tickets, ticket)
	h.mu.Unlock()
	if !ok {
		// Tickets are single use, as Slack's are.
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: []string{"api.slack.com"}})
	if err != nil {
		h.s.log.Warn("slackfake: websocket accept", "err", err)
		return
	}
	h.mu.Lock()
	h.seq++
	h.opened++
	sc := &sockConn{id: h.seq, c: c, done: make(chan struct{})}
	h.conns = append(h.conns, sc)
	n := 0
	for _, x := range h.conns {
		if !x.draining {
			n++
		}
	}
	h.mu.Unlock()

	ctx := h.s.ctx
	hello := map[string]any{"type": "hello", "num_connections": n,
		"debug_info":      map[string]any{"host": fmt.Sprintf("applink-fake-%d", sc.id), "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": h.s.opts.Workspace.AppID}}
	if err := h.write(ctx, sc, hello); err != nil {
		h.drop(sc)
		return
	}
	go h.ping(ctx, sc)
	h.flush()
	h.readLoop(ctx, sc)
}

func (h *socketHub) write(ctx context.Context, sc *sockConn, v any) error {
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return sc.c.Write(wctx, websocket.MessageText, mustJSON(v))
}

// ping keeps the connection alive on wall time: slack-go drops connections
// that see no ping for its ping interval.
func (h *socketHub) ping(ctx context.Context, sc *sockConn) {
	t := time.NewTicker(h.s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sc.done:
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, h.s.opts.PingInterval)
			_ = sc.c.Ping(pctx)
			cancel()
		}
	}
}

func (h *socketHub) readLoop(ctx context.Context, sc *sockConn) {
	defer h.drop(sc)
	for {
		_, data, err := sc.c.Read(ctx)
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			h.s.log.Warn("slackfake: unreadable socket message", "conn", sc.id)
			continue
		}
		h.mu.Lock()
		env := h.inflight[ack.EnvelopeID]
		delete(h.inflight, ack.EnvelopeID)
		h.mu.Unlock()
		if env == nil {
			continue
		}
		h.s.mu.Lock()
		env.d.SocketAcked = true
		if len(ack.Payload) > 0 && string(ack.Payload) != "null" {
			env.d.AckPayload = ack.Payload
		}
		h.s.changedLocked()
		h.s.mu.Unlock()
		close(env.acked)
	}
}

func (h *socketHub) drop(sc *sockConn) {
	h.mu.Lock()
	h.conns = slices.DeleteFunc(h.conns, func(x *sockConn) bool { return x == sc })
	select {
	case <-sc.done:
	default:
		close(sc.done)
	}
	h.mu.Unlock()
	_ = sc.c.CloseNow()
}

func (h *socketHub) closeAll() {
	h.mu.Lock()
	conns := slices.Clone(h.conns)
	h.mu.Unlock()
	for _, sc := range conns {
		_ = sc.c.Close(websocket.StatusGoingAway, "server shutting down")
		h.drop(sc)
	}
}

// enqueue sends d as a new envelope, or keeps it until a client connects.
func (h *socketHub) enqueue(d *Delivery) {
	h.mu.Lock()
	h.seq++
	env := &envelope{id: fmt.Sprintf("%08x-fake-%04d-envelope", h.seq*2654435761&0xffffffff, h.seq), d: d}
	h.pending = append(h.pending, env)
	h.mu.Unlock()
	h.flush()
}

// flush sends every pending envelope to a live connection, taking them in
// turn, newest first, as Slack spreads events over an app's connections.
func (h *socketHub) flush() {
	for {
		h.mu.Lock()
		var live []*sockConn
		for i := len(h.conns) - 1; i >= 0; i-- {
			if !h.conns[i].draining {
				live = append(live, h.conns[i])
			}
		}
		if len(live) == 0 || len(h.pending) == 0 {
			h.mu.Unlock()
			return
		}
		target := live[h.turn%len(live)]
		h.turn++
		env := h.pending[0]
		h.pending = h.pending[1:]
		env.acked = make(chan struct{})
		h.inflight[env.id] = env
		h.mu.Unlock()
		h.send(target, env)
	}
}

func (h *socketHub) send(sc *sockConn, env *envelope) {
	s := h.s
	msg := map[string]any{"envelope_id": env.id, "payload": env.d.Payload, "type": env.d.Kind,
		"accepts_response_payload": env.d.Kind != KindEventsAPI}
	if env.d.Kind == KindEventsAPI {
		msg["retry_attempt"] = env.attempt
		msg["retry_reason"] = env.reason
	}
	s.mu.Lock()
	env.d.SocketAttempts++
	s.changedLocked()
	s.mu.Unlock()
	// Armed before the write, so a test that received the envelope can
	// advance a fake clock past the ack timeout.
	timeout := s.clk.After(s.opts.AckTimeout)
	if err := h.write(s.ctx, sc, msg); err != nil {
		s.log.Warn("slackfake: writing envelope", "err", err)
	}
	acked := env.acked
	s.goTracked(func() {
		select {
		case <-acked:
		case <-s.ctx.Done():
		case <-timeout:
			h.retry(env)
		}
	})
}

// retry re-queues an unacknowledged envelope under a new envelope id, as
// Slack does, until the retry budget is spent.
func (h *socketHub) retry(env *envelope) {
	h.mu.Lock()
	if _, still := h.inflight[env.id]; !still {
		h.mu.Unlock()
		return
	}
	delete(h.inflight, env.id)
	if env.attempt >= h.s.opts.MaxDeliveryRetries {
		h.mu.Unlock()
		return
	}
	h.seq++
	next := &envelope{id: fmt.Sprintf("%08x-fake-%04d-envelope", h.seq*2654435761&0xffffffff, h.seq), d: env.d,
		attempt: env.attempt + 1, reason: "timeout"}
	h.pending = append(h.pending, next)
	h.mu.Unlock()
	h.flush()
}

// Disconnect sends a disconnect message to every live connection. With
// DisconnectWarning the connection stays usable (Slack warns about ten
// seconds before a refresh); any other reason stops routing envelopes to
// it and closes it, so the client must reconnect via apps.connections.open.
func (s *Server) Disconnect(reason string) {
	h := s.sock
	h.mu.Lock()
	var targets []*sockConn
	for _, sc := range h.conns {
		if sc.draining {
			continue
		}
		targets = append(targets, sc)
		if reason != DisconnectWarning {
			sc.draining = true
		}
	}
	h.mu.Unlock()
	for _, sc := range targets {
		msg := map[string]any{"type": "disconnect", "reason": reason,
			"debug_info": map[string]any{"host": fmt.Sprintf("applink-fake-%d", sc.id)}}
		if err := h.write(s.ctx, sc, msg); err != nil {
			s.log.Warn("slackfake: writing disconnect", "err", err)
		}
		if reason != DisconnectWarning {
			s.goTracked(func() {
				_ = sc.c.Close(websocket.StatusNormalClosure, reason)
				h.drop(sc)
			})
		}
	}
}
