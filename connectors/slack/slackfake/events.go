package slackfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Envelope kinds, as Socket Mode names them.
const (
	KindEventsAPI     = "events_api"
	KindInteractive   = "interactive"
	KindSlashCommands = "slash_commands"
)

// httpRetryDelays are Slack's Events API retry delays: nearly at once,
// after a minute, after five minutes.
var httpRetryDelays = [...]time.Duration{0, time.Minute, 5 * time.Minute}

// outbound is something the fake must deliver once the state lock is
// released.
type outbound struct {
	kind    string
	id      string
	payload map[string]any
}

// Delivery records one event, interaction or command and how it travelled.
type Delivery struct {
	// ID is the event_id for events, a generated id otherwise.
	ID      string
	Kind    string
	Payload json.RawMessage
	// SocketAttempts counts envelopes sent; SocketAcked and AckPayload
	// record the client's ack.
	SocketAttempts int
	SocketAcked    bool
	AckPayload     json.RawMessage
	// HTTPStatuses lists the status of every HTTP attempt (0 for a timeout
	// or connection failure); HTTPAcked is set by a 2xx.
	HTTPStatuses []int
	HTTPAcked    bool
}

// Sign returns Slack's X-Slack-Signature for body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

func channelType(ch *Channel) string {
	switch {
	case ch.IM:
		return "im"
	case ch.MPIM:
		return "mpim"
	case ch.Private:
		return "group"
	default:
		return "channel"
	}
}

// wrapEvent puts an event into the event_callback wrapper. Callers hold s.mu.
func (s *Server) wrapEvent(ev map[string]any, ch *Channel) outbound {
	id := fmt.Sprintf("Ev%08dFAKE", s.nextIDLocked())
	ctxRaw, _ := json.Marshal(map[string]any{"id": ch.ID, "team": s.st.team.ID})
	payload := map[string]any{
		"token": s.opts.VerificationToken, "team_id": s.st.team.ID, "context_team_id": s.st.team.ID,
		"context_enterprise_id": nil, "api_app_id": s.st.appID, "event": ev, "type": "event_callback",
		"event_id": id, "event_time": s.clk.Now().Unix(),
		"authorizations": []map[string]any{{"enterprise_id": nil, "team_id": s.st.team.ID, "user_id": s.st.botUser,
			"is_bot": true, "is_enterprise_install": false}},
		// authed_users is deprecated by Slack but still required by its
		// published event wrapper schema, so the fake keeps sending it.
		"authed_users":          []string{s.st.botUser},
		"is_ext_shared_channel": ch.ExtShared,
		"event_context":         "4-" + base64.RawURLEncoding.EncodeToString(ctxRaw),
	}
	return outbound{kind: KindEventsAPI, id: id, payload: payload}
}

// messageEvents builds the message event for m and, when it mentions our
// bot and is not from it, the app_mention event.
func (s *Server) messageEvents(m *Message) []outbound {
	ch := s.st.channels[m.Channel]
	ev := s.renderMessage(m, true)
	delete(ev, "reply_count")
	delete(ev, "reply_users")
	delete(ev, "reply_users_count")
	delete(ev, "latest_reply")
	delete(ev, "subscribed")
	ev["channel"] = m.Channel
	ev["event_ts"] = m.TS
	ev["channel_type"] = channelType(ch)
	out := []outbound{s.wrapEvent(ev, ch)}
	if m.BotID != s.st.botID && strings.Contains(m.Text, "<@"+s.st.botUser+">") {
		men := map[string]any{"type": "app_mention", "user": m.User, "text": m.Text, "ts": m.TS,
			"channel": m.Channel, "event_ts": m.TS, "team": m.Team}
		if m.ClientMsgID != "" {
			men["client_msg_id"] = m.ClientMsgID
		}
		if len(m.Blocks) > 0 {
			men["blocks"] = m.Blocks
		}
		if m.ThreadTS != "" {
			men["thread_ts"] = m.ThreadTS
		}
		out = append(out, s.wrapEvent(men, ch))
	}
	return out
}

func (s *Server) changedEvent(before, after *Message, editTS string) outbound {
	ch := s.st.channels[after.Channel]
	ev := map[string]any{"type": "message", "subtype": "message_changed", "hidden": true, "channel": after.Channel,
		"ts": editTS, "event_ts": editTS, "channel_type": channelType(ch),
		"message": s.renderMessage(after, true), "previous_message": s.renderMessage(before, true)}
	return s.wrapEvent(ev, ch)
}

func (s *Server) reactionEvent(m *Message, name, user string) outbound {
	ch := s.st.channels[m.Channel]
	ev := map[string]any{"type": "reaction_added", "user": user, "reaction": name, "item_user": m.User,
		"item": map[string]any{"type": "message", "channel": m.Channel, "ts": m.TS}, "event_ts": s.st.nextTS()}
	return s.wrapEvent(ev, ch)
}

// dispatch records and sends outbound items over Socket Mode and HTTP. It
// must be called without s.mu held.
func (s *Server) dispatch(items []outbound) {
	for _, it := range items {
		raw := mustJSON(it.payload)
		d := &Delivery{ID: it.id, Kind: it.kind, Payload: raw}
		s.mu.Lock()
		s.deliv = append(s.deliv, d)
		s.changedLocked()
		s.mu.Unlock()
		if !s.opts.DisableSocketMode {
			s.sock.enqueue(d)
		}
		switch {
		case it.kind == KindEventsAPI && s.opts.EventsURL != "":
			s.goTracked(func() { s.deliverHTTP(d, s.opts.EventsURL, "application/json", raw, true) })
		case it.kind != KindEventsAPI && s.opts.InteractivityURL != "":
			body := []byte(url.Values{"payload": {string(raw)}}.Encode())
			if it.kind == KindSlashCommands {
				body = []byte(slashForm(it.payload).Encode())
			}
			s.goTracked(func() {
				s.deliverHTTP(d, s.opts.InteractivityURL, "application/x-www-form-urlencoded", body, false)
			})
		}
	}
}

func slashForm(p map[string]any) url.Values {
	v := url.Values{}
	for k, x := range p {
		v.Set(k, fmt.Sprint(x))
	}
	return v
}

// deliverHTTP posts body to target with Slack's signature headers. Events
// are retried when not acknowledged with a 2xx within the ack timeout.
func (s *Server) deliverHTTP(d *Delivery, target, contentType string, body []byte, retry bool) {
	reason := ""
	attempts := 1
	if retry {
		attempts += s.opts.MaxDeliveryRetries
	}
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 {
			delay := httpRetryDelays[min(attempt-1, len(httpRetryDelays)-1)]
			select {
			case <-s.clk.After(delay):
			case <-s.ctx.Done():
				return
			}
		}
		status, noRetry := s.postSigned(target, contentType, body, attempt, reason)
		s.mu.Lock()
		d.HTTPStatuses = append(d.HTTPStatuses, status)
		if status >= 200 && status < 300 {
			d.HTTPAcked = true
		}
		s.changedLocked()
		s.mu.Unlock()
		switch {
		case status >= 200 && status < 300, noRetry:
			return
		case status == 0:
			reason = "http_timeout"
		default:
			reason = "http_error"
		}
	}
}

// postSigned makes one delivery attempt; status 0 means no answer in time.
func (s *Server) postSigned(target, contentType string, body []byte, attempt int, reason string) (int, bool) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	ts := s.clk.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		s.log.Error("slackfake: building delivery request", "err", err)
		return 0, true
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", Sign(s.opts.SigningSecret, ts, body))
	if attempt > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(attempt))
		req.Header.Set("X-Slack-Retry-Reason", reason)
	}
	type result struct {
		status  int
		noRetry bool
	}
	// The timeout is armed before the request leaves, so a test that sees
	// the request can advance a fake clock past it.
	timeout := s.clk.After(s.opts.AckTimeout)
	done := make(chan result, 1)
	go func() {
		resp, err := s.client.Do(req)
		if err != nil {
			done <- result{}
			return
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		done <- result{resp.StatusCode, resp.Header.Get("X-Slack-No-Retry") == "1"}
	}()
	select {
	case r := <-done:
		return r.status, r.noRetry
	case <-timeout:
		cancel()
		<-done
		return 0, false
	case <-s.ctx.Done():
		cancel()
		<-done
		return 0, true
	}
}

// Deliveries returns every event, interaction and command sent so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveriesLocked()
}

// WaitDeliveries blocks until done accepts the deliveries (re-checked at
// every change: a new delivery, an attempt, an ack) or ctx ends. Tests use
// it instead of sleeping.
func (s *Server) WaitDeliveries(ctx context.Context, done func([]Delivery) bool) ([]Delivery, error) {
	for {
		s.mu.Lock()
		ds, ch := s.deliveriesLocked(), s.notifyLocked()
		s.mu.Unlock()
		if done(ds) {
			return ds, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ds, fmt.Errorf("waiting for deliveries: %w", ctx.Err())
		}
	}
}

func (s *Server) notifyLocked() chan struct{} {
	if s.notify == nil {
		s.notify = make(chan struct{})
	}
	return s.notify
}

// changedLocked wakes WaitDeliveries callers; callers hold s.mu.
func (s *Server) changedLocked() {
	if s.notify != nil {
		close(s.notify)
		s.notify = nil
	}
}

func (s *Server) deliveriesLocked() []Delivery {
	out := make([]Delivery, 0, len(s.deliv))
	for _, d := range s.deliv {
		c := *d
		c.HTTPStatuses = slices.Clone(d.HTTPStatuses)
		out = append(out, c)
	}
	return out
}
