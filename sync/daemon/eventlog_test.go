package daemon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/postgres"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// countingHandler counts what reaches the App's place in the receiver.
type countingHandler struct{ events, actions atomic.Int32 }

func (h *countingHandler) HandleEvent(context.Context, slackconn.Event) error {
	h.events.Add(1)
	return nil
}

func (h *countingHandler) HandleAction(context.Context, slackconn.Action) error {
	h.actions.Add(1)
	return nil
}

// postEvent delivers one signed Events API message event with id to a
// receiver over st, as one process would, and waits until it is handled.
func postEvent(t *testing.T, st store.Events, clk clock.Clock, h slackconn.Handler, id string, retry int) {
	t.Helper()
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	rcv := slackconn.EventsHandler(secret.Secret(slackfake.DefaultSigningSecret), h, slackconn.EventsOptions{
		Logger: lg, Clock: clk, Events: newStoreEventLog(st, clk, lg),
	})
	body := []byte(fmt.Sprintf(`{"token":"x","team_id":%q,"api_app_id":%q,"type":"event_callback","event_id":%q,
	 "event_time":1700000000,"authorizations":[{"team_id":%q,"user_id":%q,"is_bot":true}],
	 "event":{"type":"message","channel":%q,"channel_type":"channel","user":%q,"text":"hello","ts":"1700000000.000100","event_ts":"1700000000.000100"}}`,
		slackfake.TeamID, slackfake.AppID, id, slackfake.TeamID, slackfake.BotUserID, slackfake.GeneralChanID, slackfake.AMUserID))
	now := clk.Now().Unix()
	r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	r.Header.Set("X-Slack-Signature", slackfake.Sign(slackfake.DefaultSigningSecret, now, body))
	if retry > 0 {
		r.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	w := httptest.NewRecorder()
	rcv.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("event %s (retry %d) answered %d, want 200", id, retry, w.Code)
	}
	// Close drains the queue: the event is handled (or skipped) by now.
	if err := rcv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestSlackEventHandledOnceAcrossRestart: Slack's retry of an event reaches
// the next process on the same data directory (the first one died before
// its answer got out) and is not handled again; once the retention has
// passed the id is pruned.
func TestSlackEventHandledOnceAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	h := &countingHandler{}
	process := func(retry int) {
		st, err := sqlite.Open(context.Background(), dir, sqlite.Options{Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		postEvent(t, st, clk, h, "Ev0RESTART", retry)
	}
	process(0)
	process(1) // a new process: the data-dir lock was released, memory is gone
	process(2)
	if n := h.events.Load(); n != 1 {
		t.Fatalf("the event was handled %d times across three processes, want 1", n)
	}

	// A day later the id is pruned on the next delivery's way in; Slack
	// never retries that late, so the only effect is a bounded table.
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk.Advance(EventRetention + time.Hour)
	log := newStoreEventLog(st, clk, slog.New(slog.DiscardHandler))
	if first, err := log.FirstTime(t.Context(), "Ev0OTHER"); err != nil || !first {
		t.Fatalf("FirstTime(new id) = %v, %v", first, err)
	}
	if first, err := st.MarkEventSeen(t.Context(), "Ev0RESTART", clk.Now()); err != nil || !first {
		t.Fatalf("the old id was not pruned after %v: first = %v, err = %v", EventRetention, first, err)
	}
}

// TestSlackEventHandledOnceByOneReplica: two replicas on one PostgreSQL
// each receive the same event at once (Slack's retry reached the other
// one); it is handled exactly once.
func TestSlackEventHandledOnceByOneReplica(t *testing.T) {
	dsn := postgresDSN(t)
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	var replicas []*postgres.Store
	for range 2 {
		st, err := postgres.Open(context.Background(), dsn, postgres.Options{Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		replicas = append(replicas, st)
	}
	h := &countingHandler{}
	for round := range 5 {
		id := fmt.Sprintf("Ev0REPLICA%d", round)
		var wg sync.WaitGroup
		for i, st := range replicas {
			wg.Go(func() { postEvent(t, st, clk, h, id, i) })
		}
		wg.Wait()
	}
	if n := h.events.Load(); n != 5 {
		t.Fatalf("5 events each delivered to 2 replicas were handled %d times, want 5", n)
	}
}

// TestMountedEventsEndpointRecordsHandledEvents checks the wiring: the
// Events API endpoint the App mounts records handled event ids in the App's
// store, so that the next process skips a retry.
func TestMountedEventsEndpointRecordsHandledEvents(t *testing.T) {
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	sb, err := sandbox.New(sandbox.Options{Clock: clk, SlackRateLimits: slackfake.RateLimitsOff})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	sb.Slack().SetBaseURL(srv.URL)
	dir := t.TempDir()
	yml, err := sb.Config(srv.URL, sandbox.ConfigOptions{DataDir: dir, SlackMode: slackconn.ModeEvents})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Parse("sandbox.yaml", yml)
	if err != nil {
		t.Fatalf("sandbox config: %v", err)
	}
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app, err := NewApp(func() *configs.Config { return cfg }, st, AppOptions{Clock: clk, Once: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	stop := app.Mount(mux, func() {})

	body := []byte(fmt.Sprintf(`{"token":"x","team_id":%q,"api_app_id":%q,"type":"event_callback","event_id":"Ev0MOUNTED",
	 "event_time":1700000000,"event":{"type":"message","channel":"C0NOTACLIENT","user":%q,"text":"hi","ts":"1700000000.000200","event_ts":"1700000000.000200"}}`,
		slackfake.TeamID, slackfake.AppID, slackfake.AMUserID))
	now := clk.Now().Unix()
	r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	r.Header.Set("X-Slack-Signature", slackfake.Sign(cfg.Connections.Slack.SigningSecret.Reveal(), now, body))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("mounted endpoint answered %d: %s", w.Code, w.Body)
	}
	stop(context.Background()) // drains the queue: the event is handled
	first, err := st.MarkEventSeen(t.Context(), "Ev0MOUNTED", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if first {
		t.Fatal("the mounted endpoint handled the event without recording it in the store")
	}
}
