package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
)

// Every credential of the secrets test, each with a distinctive core that
// is searched for on its own too, so that a cut or partly redacted secret
// is found as well as a whole one.
const (
	secJiraEmail     = "liaison-bot@secrets.example"
	secJiraToken     = "ATATT3xSecJiraTokR7t5Yp1N9"
	secJiraWebhook   = "SecJiraHookB6c3Wq8Z"
	secSlackBot      = "xoxb-7100000001-7200000002-SecBotTokQ7z4f2K9"
	secSlackApp      = "xapp-1-A0LIAISON1-7300000003-SecAppTokV8w2m5L"
	secSlackSigning  = "SecSigningJ4x8Hq2M0d5e"
	secGoogleClient  = "GOCSPX-SecClientSecW2e4r6T"
	secGoogleRefresh = "1//SecRefreshTokD9f1g3H5"
	secAdsDevToken   = "SecAdsDevTokG7h5j3K1"
	secPGPassword    = "SecPGPassK8m6n4B2"
	// Wrong credentials an operator might set: still secrets.
	secWrongBot     = "xoxb-7100000001-7200000002-SecWrongBotU3i5o7P"
	secWrongRefresh = "1//SecWrongRefreshA2s4d6F"
)

// leakCounter counts, in everything captured, each secret in its plain,
// URL-encoded and base64 forms.
type leakCounter struct {
	forms map[string][]string // secret name -> forms searched for
	runs  int
	bytes int
	found map[string]int
	where []string
	seen  []string // what was read, its size and its gist, for the log
}

func newLeakCounter(secrets map[string]string) *leakCounter {
	c := &leakCounter{forms: map[string][]string{}, found: map[string]int{}}
	for name, v := range secrets {
		forms := []string{v, url.QueryEscape(v), url.PathEscape(v),
			base64.StdEncoding.EncodeToString([]byte(v)), base64.URLEncoding.EncodeToString([]byte(v)),
			base64.RawStdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v))}
		// The key's lines are random: only the named secrets have a core.
		if core := regexp.MustCompile(`Sec[A-Za-z0-9]{9,}`).FindString(v); core != "" && !strings.HasPrefix(name, "service account") {
			forms = append(forms, core)
		}
		slices.Sort(forms)
		c.forms[name] = slices.Compact(forms)
	}
	// Jira's Basic authentication is base64 of "email:token".
	c.forms["jira api token"] = append(c.forms["jira api token"],
		base64.StdEncoding.EncodeToString([]byte(secJiraEmail+":"+secJiraToken)))
	return c
}

// add counts the secrets in out, which is what an operator sees of what.
func (c *leakCounter) add(what, out string) {
	c.bytes += len(out)
	gist := out
	if i := strings.LastIndex(strings.TrimSpace(out), "\n"); i >= 0 && strings.HasPrefix(what, "check-config") {
		gist = strings.TrimSpace(out)[:i] // the problems, without the count
	}
	gist = strings.Join(strings.Fields(gist), " ")
	c.seen = append(c.seen, fmt.Sprintf("%s: %d bytes: %.160s", what, len(out), gist))
	for name, forms := range c.forms {
		for _, f := range forms {
			if n := strings.Count(out, f); n > 0 {
				c.found[name] += n
				i := strings.Index(out, f)
				c.where = append(c.where, fmt.Sprintf("%s: %d× %s (as %q) near %q", what, n, name, f,
					out[max(0, i-120):min(len(out), i+len(f)+40)]))
			}
		}
	}
}

func (c *leakCounter) total() int {
	n := 0
	for _, v := range c.found {
		n += v
	}
	return n
}

// secretsSandbox starts the sandbox in this process with the test's
// credentials and writes its config (debug logs) into dir.
func secretsSandbox(t *testing.T, dir, eventsURL string, creds sandbox.Credentials) (string, string) {
	t.Helper()
	data, err := os.ReadFile("testdata/secrets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sandbox.ParseScenario("testdata/secrets.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(sandbox.Options{Clock: clock.Real{}, Seed: sc, Credentials: creds, SlackEventsURL: eventsURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mode := "socket"
	if eventsURL != "" {
		mode = "events"
	}
	cfg, err := sb.Config(base, sandbox.ConfigOptions{DataDir: filepath.Join(dir, "state"), Listen: "127.0.0.1:0", SlackMode: mode})
	if err != nil {
		t.Fatal(err)
	}
	cfg = bytes.Replace(cfg, []byte("level: info"), []byte("level: debug"), 1)
	path := filepath.Join(dir, "agency.yaml")
	if err := os.WriteFile(path, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	return base, path
}

// liveDaemon is a running `liaison run` whose output is kept.
type liveDaemon struct {
	cmd  *exec.Cmd
	logs *syncBuffer
}

func startDaemon(t *testing.T, cfg string, args ...string) *liveDaemon {
	t.Helper()
	d := &liveDaemon{logs: &syncBuffer{}}
	d.cmd = exec.Command(liaisonBin, append([]string{"run", "-config", cfg, "-log-level", "debug"}, args...)...)
	d.cmd.Env = []string{"PATH=/usr/bin:/bin"}
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.cmd.Process.Kill(); _ = d.cmd.Wait() })
	return d
}

// stop sends SIGTERM (unless it exited by itself within grace) and
// returns everything it wrote.
func (d *liveDaemon) stop(grace time.Duration) string {
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = d.cmd.Process.Kill()
			<-done
		}
	}
	return d.logs.String()
}

func listenAddr(t *testing.T, logs *syncBuffer) string {
	t.Helper()
	waitFor(t, logs, "liaison started")
	m := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no listen address in the logs:\n%s", logs)
	}
	return "http://" + m[1]
}

// operatorViews reads what an operator looks at while the daemon runs.
func operatorViews(t *testing.T, c *leakCounter, api, cfg string) {
	t.Helper()
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		code, body := get(t, api+p)
		c.add(p, fmt.Sprintf("%d %s", code, body))
	}
	for _, args := range [][]string{
		{"alerts", "list", "-url", api, "-config", cfg},
		{"alerts", "list", "-state", "sent", "-json", "-url", api, "-config", cfg},
		{"audit", "-url", api, "-config", cfg},
	} {
		out, _ := runBin(t, nil, args...)
		c.add(strings.Join(args[:2], " "), out)
	}
}

// send posts body to url with headers and returns the status and body the
// caller gets back.
func send(t *testing.T, url string, body []byte, headers map[string]string) string {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %v %s", resp.StatusCode, resp.Header, b)
}

func slackSig(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestSecretsNeverShown gives every credential a distinctive value and
// looks for it, plain, URL-encoded and base64-encoded, in everything an
// operator sees: the daemon's debug logs through the sandbox scenario, a
// fault storm, hostile Events API and Jira webhook requests, /healthz,
// /readyz, /metrics, `alerts list` and `audit`; `sync --once`; and
// check-config and run on broken configs. None may appear.
//
//	go test -run TestSecretsNeverShown -v ./cmd/liaison/
func TestSecretsNeverShown(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	keyLines := strings.Split(pemKey, "\n")
	secrets := map[string]string{
		"jira api token": secJiraToken, "jira webhook secret": secJiraWebhook,
		"slack bot token": secSlackBot, "slack app token": secSlackApp, "slack signing secret": secSlackSigning,
		"google client secret": secGoogleClient, "google refresh token": secGoogleRefresh,
		"ads developer token": secAdsDevToken, "postgres password": secPGPassword,
		"wrong slack bot token": secWrongBot, "wrong refresh token": secWrongRefresh,
		// Lines of the service account's private key, one from each part.
		"service account key (line 2)": keyLines[1], "service account key (line 14)": keyLines[13],
	}
	c := newLeakCounter(secrets)
	defer func() {
		if testing.Verbose() {
			t.Logf("read:\n%s", strings.Join(c.seen, "\n"))
		}
		t.Logf("secrets found: %d in %d bytes of output over %d runs", c.total(), c.bytes, c.runs)
		for _, w := range c.where {
			t.Errorf("secret shown: %s", w)
		}
	}()
	creds := sandbox.Credentials{JiraEmail: secJiraEmail, JiraToken: secJiraToken, JiraWebhookSecret: secJiraWebhook,
		SlackBotToken: secSlackBot, SlackAppToken: secSlackApp, SlackSigningSecret: secSlackSigning,
		GoogleClientSecret: secGoogleClient, GoogleRefreshToken: secGoogleRefresh, GoogleDeveloperToken: secAdsDevToken}

	// 1. The daemon (Socket Mode) through the scenario and a fault storm.
	dir := t.TempDir()
	base, cfg := secretsSandbox(t, dir, "", creds)
	playSecretsScenario(t, c, base, cfg)

	// 2. One cycle.
	out, code := runBin(t, nil, "sync", "--once", "-config", cfg, "-log-level", "debug")
	c.add("sync --once", out)
	c.runs++
	if code != 0 {
		t.Errorf("sync --once exited %d:\n%s", code, out)
	}

	// 3. The daemon in Events API mode, sent hostile requests.
	dir = t.TempDir()
	addr := freePort(t)
	_, cfg = secretsSandbox(t, dir, "http://"+addr+"/slack/events", creds)
	hostileRequests(t, c, cfg, addr)

	// 4. On PostgreSQL, with a password in the DSN, when there is one.
	if raw := os.Getenv("LIAISON_TEST_POSTGRES_URL"); raw != "" {
		u, err := url.Parse(testPostgresSchema(t, "secrets"))
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), secPGPassword)
		dir = t.TempDir()
		_, cfg = secretsSandbox(t, dir, "", creds)
		d := startDaemon(t, withPostgresStore(t, cfg, u.String()), "-listen", "127.0.0.1:0")
		operatorViews(t, c, listenAddr(t, d.logs), cfg)
		c.add("run on postgres", d.stop(3*time.Second))
		c.runs++
	}

	// 5. Broken configs, each through check-config and run.
	brokenConfigs(t, c, cfg, pemKey)
}

// playSecretsScenario runs the daemon while clients write, a fault storm
// blows over every upstream (auth refusals included) and a hostile Jira
// webhook arrives; it records what the operator sees meanwhile.
func playSecretsScenario(t *testing.T, c *leakCounter, base, cfg string) {
	t.Helper()
	d := startDaemon(t, cfg, "-listen", "127.0.0.1:0")
	api := listenAddr(t, d.logs)
	defer func() {
		if t.Failed() {
			t.Logf("daemon logs:\n%s", d.logs)
		}
	}()
	var acme, bolt struct{ TS string }
	sandboxAct(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "bolt", "user": "bob", "text": "<@sam> hi, a question about the report"}`, &bolt)
	waitUntil(t, 60*time.Second, "bolt's reply", func() bool { return repliesIn(t, base, "bolt", bolt.TS) == 1 })
	operatorViews(t, c, api, cfg)

	for _, f := range []string{
		`{"upstream":"slack","client":"acme","kind":"status","status":429,"retry_after_seconds":2}`,
		`{"upstream":"slack","kind":"status","status":500,"count":3}`,
		`{"upstream":"jira","kind":"status","status":401,"count":3}`,
		`{"upstream":"jira","kind":"status","status":502,"count":3}`,
		`{"upstream":"google","kind":"status","status":401,"count":4}`,
		`{"upstream":"google","kind":"status","status":403,"count":4}`,
		`{"upstream":"google","client":"acme","kind":"reset"}`,
		`{"upstream":"jira","kind":"truncate","count":2}`,
	} {
		sandboxAct(t, "POST", base+"/_sandbox/faults", f, nil)
	}
	sandboxAct(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "acme", "user": "pat", "text": "<@sam> hi, a question about the keyword map"}`, &acme)
	// Jira pushes (and pretends to push) while the storm lasts.
	body := []byte(`{"webhookEvent":"jira:issue_updated","issue":{"id":"10001","key":"ACME-1"}}`)
	m := hmac.New(sha256.New, []byte(secJiraWebhook))
	m.Write(body)
	for _, h := range []map[string]string{
		nil,
		{"X-Hub-Signature": "sha256=" + strings.Repeat("0", 64)},
		{"X-Hub-Signature": "sha256=" + secJiraWebhook},
		{"X-Hub-Signature": "sha256=" + hex.EncodeToString(m.Sum(nil))},
	} {
		c.add("jira webhook answer", send(t, api+"/jira/webhook", body, h))
	}
	time.Sleep(8 * time.Second)
	operatorViews(t, c, api, cfg)
	sandboxAct(t, "DELETE", base+"/_sandbox/faults", "", nil)
	waitUntil(t, 60*time.Second, "acme's reply after the storm", func() bool { return repliesIn(t, base, "acme", acme.TS) == 1 })
	operatorViews(t, c, api, cfg)
	c.add("liaison run (socket mode, storm)", d.stop(0))
	c.runs++
}

// hostileRequests runs the daemon in Events API mode and sends it what an
// attacker or a misconfigured proxy would.
func hostileRequests(t *testing.T, c *leakCounter, cfg, addr string) {
	t.Helper()
	d := startDaemon(t, cfg, "-listen", addr)
	api := listenAddr(t, d.logs)
	now := fmt.Sprint(time.Now().Unix())
	stale := fmt.Sprint(time.Now().Add(-10 * time.Minute).Unix())
	challenge := []byte(`{"type":"url_verification","token":"x","challenge":"abc"}`)
	event := []byte(`{"type":"event_callback","team_id":"T0SECRETS","api_app_id":"A0LIAISON1","event_id":"Ev0SEC1",` +
		`"event_time":1,"event":{"type":"message","channel":"C0ACMEAC01","user":"U0PAT","text":"<@U0SAM> hi","ts":"1.000001"}}`)
	for _, r := range []struct {
		path    string
		body    []byte
		headers map[string]string
	}{
		{"/slack/events", challenge, nil},
		{"/slack/events", challenge, map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + strings.Repeat("a", 64)}},
		{"/slack/events", challenge, map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": slackSig("guess", now, challenge)}},
		{"/slack/events", challenge, map[string]string{"X-Slack-Request-Timestamp": stale, "X-Slack-Signature": slackSig(secSlackSigning, stale, challenge)}},
		{"/slack/events", challenge, map[string]string{"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + secSlackSigning}},
		{"/slack/events", []byte(`{"type":`), map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": slackSig(secSlackSigning, now, []byte(`{"type":`))}},
		{"/slack/events", event, map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": slackSig(secSlackSigning, now, event)}},
		{"/slack/events", event, map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": slackSig(secSlackSigning, now, event), "X-Slack-Retry-Num": "1"}},
		{"/slack/events", bytes.Repeat([]byte("x"), 5<<20), map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=00"}},
		{"/slack/interactive", []byte("payload=%7B%22type%22%3A%22block_actions%22%7D"), map[string]string{"Content-Type": "application/x-www-form-urlencoded",
			"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + strings.Repeat("b", 64)}},
		{"/slack/interactive", []byte("payload=%7B%22type%22"), map[string]string{"Content-Type": "application/x-www-form-urlencoded",
			"X-Slack-Request-Timestamp": now, "X-Slack-Signature": slackSig(secSlackSigning, now, []byte("payload=%7B%22type%22"))}},
	} {
		c.add("answer to a hostile request", send(t, api+r.path, r.body, r.headers))
	}
	operatorViews(t, c, api, cfg)
	c.add("liaison run (events mode, hostile requests)", d.stop(2*time.Second))
	c.runs++
}

// brokenConfigs runs check-config and run on configs an operator gets
// wrong, each still carrying real secrets.
func brokenConfigs(t *testing.T, c *leakCounter, cfg, pemKey string) {
	t.Helper()
	good, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := json.Marshal(map[string]string{"type": "service_account", "project_id": "secrets", "private_key_id": "k1",
		"private_key": pemKey, "client_email": "liaison@secrets.iam.gserviceaccount.com", "token_uri": "http://127.0.0.1:1/token"})
	if err != nil {
		t.Fatal(err)
	}
	oauth := regexp.MustCompile(`(?m)^    oauth:\n(      .*\n)+`)
	repl := func(old, new string) func(string) string {
		return func(s string) string {
			if !strings.Contains(s, old) {
				t.Fatalf("config has no %q:\n%s", old, s)
			}
			return strings.Replace(s, old, new, 1)
		}
	}
	store := regexp.MustCompile(`(?m)^store:\n(\s+.*\n)+`)
	pg := func(dsn string) func(string) string {
		return func(s string) string {
			return store.ReplaceAllString(s, "store:\n  driver: postgres\n  dsn: "+strings.ReplaceAll(dsn, "$", "$$$$")+"\n")
		}
	}
	for _, b := range []struct {
		name string
		edit func(string) string
	}{
		{"misspelt key", repl("api_token: "+secJiraToken, "api_tokn: "+secJiraToken)},
		{"tokens swapped", func(s string) string {
			s = repl("bot_token: "+secSlackBot, "bot_token: SWAP")(s)
			s = repl("app_token: "+secSlackApp, "app_token: "+secSlackBot)(s)
			return repl("bot_token: SWAP", "bot_token: "+secSlackApp)(s)
		}},
		{"token in the url", repl("api_token: "+secJiraToken, "api_token: "+secJiraToken+"\n    base_url2: https://x:"+secJiraToken+"@jira.example")},
		{"unterminated quote", repl("api_token: "+secJiraToken, `api_token: "`+secJiraToken)},
		{"token as a list", repl("api_token: "+secJiraToken, "api_token: ["+secJiraToken+"]")},
		{"revoked bot token", repl(secSlackBot, secWrongBot)},
		{"revoked refresh token", repl(secGoogleRefresh, secWrongRefresh)},
		{"service account unknown to Google", func(s string) string {
			return oauth.ReplaceAllString(s, "    service_account: '"+strings.ReplaceAll(string(sa), "$", "$$")+"'\n")
		}},
		{"service account and oauth", repl("    oauth:\n", "    service_account: '"+string(sa)+"'\n    oauth:\n")},
		{"service account cut", func(s string) string {
			return oauth.ReplaceAllString(s, "    service_account: '"+strings.ReplaceAll(string(sa[:len(sa)/2]), "$", "$$")+"'\n")
		}},
		{"postgres unreachable", pg("postgres://liaison:" + secPGPassword + "@127.0.0.1:1/liaison?sslmode=disable")},
		{"postgres bad port", pg("postgres://liaison:" + secPGPassword + "@127.0.0.1:notaport/liaison")},
		{"postgres key-value", pg("host=127.0.0.1 port=1 user=liaison password=" + secPGPassword + " dbname=x")},
	} {
		path := filepath.Join(filepath.Dir(cfg), "broken.yaml")
		if err := os.WriteFile(path, []byte(b.edit(string(good))), 0o600); err != nil {
			t.Fatal(err)
		}
		out, _ := runBin(t, nil, "check-config", "-config", path)
		c.add("check-config, "+b.name, out)
		c.runs++
		if _, err := configs.Load(path); err == nil {
			// A config that loads runs until its credentials are refused.
			d := startDaemon(t, path, "-listen", "127.0.0.1:0")
			c.add("run, "+b.name, d.stop(6*time.Second))
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			run := exec.CommandContext(ctx, liaisonBin, "run", "-config", path, "-listen", "127.0.0.1:0", "-log-level", "debug")
			out, _ := run.CombinedOutput()
			cancel()
			c.add("run, "+b.name, string(out))
		}
		c.runs++
	}
}
