package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/secret"
)

// startDaemon runs the daemon on cfg until the test ends and returns its
// address and logs. The fake clock moves along as time would, since
// connectors pace themselves on it.
func startDaemon(t *testing.T, d *Daemon, clk *clock.Fake) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	runErr := make(chan error, 1)
	go func() { runErr <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-runErr:
		case <-time.After(15 * time.Second):
			t.Error("daemon did not stop")
		}
	})
	go func() {
		for ctx.Err() == nil {
			time.Sleep(time.Millisecond)
			if clk.Waiters() > 0 {
				clk.Advance(2 * time.Second)
			}
		}
	}()
	addrCtx, addrCancel := context.WithTimeout(ctx, 30*time.Second)
	defer addrCancel()
	addr, err := d.Addr(addrCtx)
	if err != nil {
		t.Fatalf("daemon never listened: %v", err)
	}
	return addr
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReadyzRejectedCredentials: with a Jira token Jira answers 401 to and
// a Slack token Slack calls invalid_auth, /readyz is 503 and says which
// upstream rejects what, each upstream's state is in the JSON without the
// tokens, liaison_upstream_up is 0 for both, and /healthz (the store
// answers) stays ok.
func TestReadyzRejectedCredentials(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cfg, _ := sandboxConfig(t, clk)
	const badJira, badSlack = "wrong-jira-token-1234", "xoxb-wrong-slack-token-5678"
	cfg.Connections.Jira.APIToken = secret.Secret(badJira)
	cfg.Connections.Slack.BotToken = secret.Secret(badSlack)
	var logs lockedWriter
	d, err := New(Options{
		ConfigPath: "sandbox.yaml", Config: cfg, Listen: "127.0.0.1:0", Clock: clk,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + startDaemon(t, d, clk)

	var code int
	var body string
	waitUntil(t, 30*time.Second, "/readyz reports both upstreams rejecting", func() bool {
		code, body = getBody(t, base+"/readyz")
		return strings.Contains(body, `"name": "slack"`) && strings.Contains(body, "invalid_auth") &&
			strings.Contains(body, "401")
	})
	if code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d, want 503:\n%s", code, body)
	}
	var rep readiness
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatalf("/readyz is not JSON: %v\n%s", err, body)
	}
	if rep.Status != "not ready" || !strings.Contains(rep.Reason, "rejects the credentials") {
		t.Errorf("status %q reason %q, want not ready because credentials are rejected", rep.Status, rep.Reason)
	}
	byName := map[string]UpstreamState{}
	for _, u := range rep.Upstreams {
		byName[u.Name] = u
	}
	for _, name := range []string{"jira", "slack"} {
		u := byName[name]
		if !u.Configured || u.Authenticated == nil || *u.Authenticated || u.LastError == "" || u.LastErrorAt == nil {
			t.Errorf("%s state = %+v, want configured, not authenticated, with the last error", name, u)
		}
	}
	for _, secretText := range []string{badJira, badSlack} {
		if strings.Contains(body, secretText) || strings.Contains(logs.String(), secretText) {
			t.Errorf("a token leaked into /readyz or the logs")
		}
	}
	_, metrics := getBody(t, base+"/metrics")
	for _, series := range []string{`liaison_upstream_up{upstream="jira"} 0`, `liaison_upstream_up{upstream="slack"} 0`} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	if code, body := getBody(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d %q, want ok while the store answers", code, body)
	}
	// Let the pulls run into the refusal too: still one line per upstream,
	// and the job engine and River add none at info.
	waitUntil(t, 30*time.Second, "a jira pull ran", func() bool {
		_, m := getBody(t, base+"/metrics")
		return strings.Contains(m, `liaison_jobs_runs_total{outcome="error",task="jira.pull"}`)
	})
	text := logs.String()
	for _, name := range []string{"jira", "slack"} {
		if n := strings.Count(text, `msg="upstream rejects the credentials; not ready until they are fixed" upstream=`+name); n != 1 {
			t.Errorf("%s: %d lines say the credentials are rejected, want 1:\n%s", name, n, text)
		}
	}
	for _, noise := range []string{"task failed", "component=river"} {
		if strings.Contains(text, noise) {
			t.Errorf("log at info has %q:\n%s", noise, text)
		}
	}
}

// TestReadyzWorkingUpstreams: with the sandbox's good credentials, the
// upstreams become authenticated with a last success, and /readyz is 200.
func TestReadyzWorkingUpstreams(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cfg, _ := sandboxConfig(t, clk)
	d, err := New(Options{ConfigPath: "sandbox.yaml", Config: cfg, Listen: "127.0.0.1:0", Clock: clk,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + startDaemon(t, d, clk)
	var code int
	var body string
	waitUntil(t, 30*time.Second, "jira and slack authenticated", func() bool {
		code, body = getBody(t, base+"/readyz")
		return strings.Count(body, `"authenticated": true`) >= 2
	})
	if code != http.StatusOK || !strings.Contains(body, `"status": "ready"`) || !strings.Contains(body, `"last_success"`) {
		t.Errorf("/readyz = %d:\n%s", code, body)
	}
	_, metrics := getBody(t, base+"/metrics")
	if !strings.Contains(metrics, `liaison_upstream_up{upstream="jira"} 1`) ||
		!strings.Contains(metrics, `liaison_upstream_last_success_timestamp_seconds{upstream="jira"}`) {
		t.Errorf("/metrics lacks jira's up and last success:\n%s", metrics)
	}
}

// TestReadyzNothingConfigured: a daemon with no upstream at all can do no
// work, and says so.
func TestReadyzNothingConfigured(t *testing.T) {
	states := []UpstreamState{{Name: "jira"}, {Name: "slack"}, {Name: "google"}}
	if r := notReady(states); !strings.Contains(r, "no upstream is configured") {
		t.Errorf("notReady = %q", r)
	}
	states[0].Configured = true
	if r := notReady(states); r != "" {
		t.Errorf("notReady with jira configured and not yet called = %q, want ready", r)
	}
}

// TestUnsetOptionalSecretTurnsOffOnlyItsFeature: a config whose Jira
// webhook secret is an unset variable keeps the Jira connector (its pull is
// scheduled and it is ready) and serves no webhook.
func TestUnsetOptionalSecretTurnsOffOnlyItsFeature(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	sandboxCfg, _ := sandboxConfig(t, clk)
	jiraBlock := fmt.Sprintf("connections:\n  jira:\n    base_url: %s\n    email: %s\n    api_token: ${JIRA_API_TOKEN}\n    webhook_secret: ${JIRA_WEBHOOK_SECRET}\n",
		sandboxCfg.Connections.Jira.BaseURL, sandboxCfg.Connections.Jira.Email)
	env := map[string]string{"JIRA_API_TOKEN": sandboxCfg.Connections.Jira.APIToken.Reveal()}
	cfg, err := configs.Parse("agency.yaml", []byte(minimalAgency+jiraBlock), configs.WithLookupEnv(func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}))
	if err != nil {
		t.Fatal(err)
	}
	if off := cfg.FeaturesOff(); len(off) != 1 || !strings.Contains(off[0], "the Jira webhook (POST /jira/webhook) is off") {
		t.Errorf("FeaturesOff() = %q", off)
	}
	var logs lockedWriter
	d, err := New(Options{ConfigPath: "agency.yaml", Config: cfg, Listen: "127.0.0.1:0", Clock: clk, DataDir: t.TempDir(),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + startDaemon(t, d, clk)
	waitUntil(t, 30*time.Second, "jira authenticated", func() bool {
		_, body := getBody(t, base+"/readyz")
		return strings.Contains(body, `"authenticated": true`)
	})
	code, body := getBody(t, base+"/readyz")
	if code != http.StatusOK || !strings.Contains(body, "the Jira webhook (POST /jira/webhook) is off") {
		t.Errorf("/readyz = %d, want ready with the webhook shown off:\n%s", code, body)
	}
	resp, err := http.Post(base+"/jira/webhook", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /jira/webhook = %d, want 404 with the webhook off", resp.StatusCode)
	}
	// The daemon hands out its address before it logs what is off, and
	// Jira may be authenticated by then (its first pull runs before).
	waitUntil(t, 30*time.Second, "the feature-off line", func() bool { return strings.Contains(logs.String(), "feature off") })
	if strings.Contains(logs.String(), "connector=jira reason") || strings.Count(logs.String(), "feature off") != 1 {
		t.Errorf("want one feature-off line and no connector skipped:\n%s", logs.String())
	}
}

const minimalAgency = `agency:
  name: Test Agency
  timezone: Europe/Kyiv
people:
  - id: am
    name: Andriy Am
    email: am@agency.example
    role: account_manager
    slack_user_id: U0AM000001
    jira_account_id: "712020:am"
clients:
  - id: acme
    name: Acme
    account_manager: am
    jira_projects: [ACME]
`

// TestHealthzAsksTheStore: /healthz is 503 with the reason once the state
// store stops answering, so the container's HEALTHCHECK sees it.
func TestHealthzAsksTheStore(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cfg, _ := sandboxConfig(t, clk)
	d, err := New(Options{ConfigPath: "sandbox.yaml", Config: cfg, Clock: clk, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(t.Context(), cfg, StoreOptions{DataDir: t.TempDir(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(d.Config, st, AppOptions{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	d.app.Store(app)
	srv := httptest.NewServer(d.newMux(d.reg))
	defer srv.Close()
	if code, body := getBody(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the store open = %d %q", code, body)
	}
	_ = st.Close()
	if code, body := getBody(t, srv.URL+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "state store not answering") {
		t.Errorf("/healthz with the store closed = %d %q, want 503 naming the store", code, body)
	}
}
