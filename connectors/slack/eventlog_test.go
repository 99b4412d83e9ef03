package slack

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// memLog is an EventLog shared by several receivers, as the store is shared
// by successive processes and by replicas.
type memLog struct {
	mu      sync.Mutex
	seen    map[string]bool
	err     error
	forgets []string
}

func (m *memLog) FirstTime(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	if m.seen[key] {
		return false, nil
	}
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	m.seen[key] = true
	return true, nil
}

func (m *memLog) Forget(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.seen, key)
	m.forgets = append(m.forgets, key)
	return nil
}

// deliverOnce posts one signed event to a fresh receiver over log, closes it
// (so its queue is drained) and returns what it handled.
func deliverOnce(t *testing.T, log EventLog, h *recorder, eventID string, retry bool) int {
	t.Helper()
	clk := clock.NewFake(start)
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := EventsHandler(secret.Secret(slackfake.DefaultSigningSecret), h, EventsOptions{Logger: lg, Clock: clk, Events: log})
	r := signedRequest(slackfake.DefaultSigningSecret, clk.Now(), "application/json",
		callbackBody(eventID, "1700000000.000001", "hello"))
	if retry {
		r.Header.Set("X-Slack-Retry-Num", "1")
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("%s answered %d, want 200", eventID, w.Code)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	ev, _ := h.snapshot()
	return len(ev)
}

// TestEventLogMakesRetriesAcrossReceiversRepeats: a retry reaching another
// receiver (a restarted process, another replica) is acknowledged and not
// handled again, because the shared log has the event id.
func TestEventLogMakesRetriesAcrossReceiversRepeats(t *testing.T) {
	log := &memLog{}
	first, second := newRecorder(), newRecorder()
	if n := deliverOnce(t, log, first, "EvShared", false); n != 1 {
		t.Fatalf("first receiver handled %d events, want 1", n)
	}
	if n := deliverOnce(t, log, second, "EvShared", true); n != 0 {
		t.Errorf("second receiver handled the retry %d times, want 0", n)
	}
	if n := deliverOnce(t, log, second, "EvOther", false); n != 1 {
		t.Errorf("second receiver handled %d new events, want 1", n)
	}
}

// TestEventLogForgetsFailedHandling: when the handler fails, the key is
// forgotten, so that a later delivery is handled rather than lost.
func TestEventLogForgetsFailedHandling(t *testing.T) {
	log := &memLog{}
	failing := newRecorder()
	failing.err = errors.New("store down")
	deliverOnce(t, log, failing, "EvFail", false)
	if len(log.forgets) != 1 || log.forgets[0] != "EvFail" {
		t.Fatalf("forgotten %v, want [EvFail]", log.forgets)
	}
	if n := deliverOnce(t, log, newRecorder(), "EvFail", true); n != 1 {
		t.Errorf("the retry after a failure was handled %d times, want 1", n)
	}
}

// TestEventLogErrorHandlesAnyway: a log that cannot answer must not lose
// the event.
func TestEventLogErrorHandlesAnyway(t *testing.T) {
	log := &memLog{err: errors.New("database is locked")}
	if n := deliverOnce(t, log, newRecorder(), "EvErr", false); n != 1 {
		t.Errorf("handled %d times with a failing log, want 1", n)
	}
}
