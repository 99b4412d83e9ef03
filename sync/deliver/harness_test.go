package deliver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// harness runs a Deliverer against the Slack fake through the real
// connector, on a real SQLite store, all on one fake clock.
type harness struct {
	t    *testing.T
	clk  *clock.Fake
	st   store.Store
	fake *slackfake.Server
	sl   *slackconn.Client
	dir  *deliver.TestDirectory
	d    *deliver.Deliverer
	reg  *prometheus.Registry
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	return newHarnessOn(t, start, func(clk *clock.Fake) store.Store {
		st, err := sqlite.Open(t.Context(), t.TempDir(), sqlite.Options{Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	})
}

// newHarnessOn is newHarness on the store open returns.
func newHarnessOn(t *testing.T, start time.Time, open func(clk *clock.Fake) store.Store) *harness {
	t.Helper()
	clk := clock.NewFake(start)
	st := open(clk)
	fake, srv := slackfake.NewServer(t, &slackfake.Options{Clock: clk, SuppressOwnEvents: true, DisableSocketMode: true})
	cfg := slackconn.DefaultConfig()
	cfg.BotToken = secret.Secret(slackfake.DefaultBotToken)
	cfg.APIURL = srv.URL + "/api/"
	sl, err := slackconn.New(cfg, slackconn.Options{HTTPClient: &http.Client{Timeout: 10 * time.Second}, Clock: clk,
		PageInterval: -1, RateLimitRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, clk: clk, st: st, fake: fake, sl: sl, dir: deliver.Agency(t)}
	h.d = h.deliverer(deliver.Options{})
	return h
}

func (h *harness) deliverer(opts deliver.Options) *deliver.Deliverer {
	h.t.Helper()
	h.reg = prometheus.NewRegistry()
	d, err := deliver.New(h.st, h.sl, func() deliver.Directory { return h.dir }, h.clk, nil, h.reg, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func (h *harness) reconcile(rule string, fs ...rules.Finding) deliver.ReconcileResult {
	h.t.Helper()
	res, err := h.d.Reconcile(h.t.Context(), rule, nil, fs, h.clk.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

func (h *harness) tick() {
	h.t.Helper()
	if err := h.d.Tick(h.t.Context()); err != nil {
		h.t.Fatal(err)
	}
}

// settle ticks three times a second apart, so that deliveries paced
// behind others in the same channel go out too.
func (h *harness) settle() {
	h.t.Helper()
	for i := 0; i < 3; i++ {
		if i > 0 {
			h.clk.Advance(time.Second)
		}
		h.tick()
	}
}

// dm returns the bot's DM channel with a Slack user.
func (h *harness) dm(user string) string {
	h.t.Helper()
	ch, err := h.sl.OpenDM(context.Background(), user)
	if err != nil {
		h.t.Fatal(err)
	}
	return ch
}

// posts returns the bot's top-level messages in channel.
func (h *harness) posts(channel string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.fake.Messages(channel) {
		if m.BotID == slackfake.BotID && (m.ThreadTS == "" || m.ThreadTS == m.TS) {
			out = append(out, m)
		}
	}
	return out
}

// deliveryKeyOf returns the delivery key in a message's metadata.
func deliveryKeyOf(m slackfake.Message) string {
	if m.Metadata == nil {
		return ""
	}
	var p struct{ Key string }
	_ = json.Unmarshal(m.Metadata.EventPayload, &p)
	return p.Key
}

// postCalls returns the chat.postMessage calls that carried delivery key.
func (h *harness) postCalls(key string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range h.fake.Calls() {
		if c.Method == "chat.postMessage" && strings.Contains(c.Args.Get("metadata"), `"`+key+`"`) {
			out = append(out, c)
		}
	}
	return out
}

func mustDeliveries(t *testing.T, st store.Store, f store.DeliveryFilter) []store.Delivery {
	t.Helper()
	ds, err := st.ListDeliveries(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// blockText returns every string in a Block Kit array, one per line, so
// tests can look for text without caring about JSON escaping.
func blockText(raw json.RawMessage) string {
	var v any
	_ = json.Unmarshal(raw, &v)
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + "\n")
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}

// metricFailed returns the failed-deliveries counter for reason.
func (h *harness) metricFailed(reason string) prometheus.Collector {
	mfs, _ := h.reg.Gather()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x"})
	for _, mf := range mfs {
		if mf.GetName() != "liaison_deliveries_failed_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					g.Set(m.GetCounter().GetValue())
				}
			}
		}
	}
	return g
}
