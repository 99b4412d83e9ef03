package sandbox

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"
	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

const (
	jiraDefaultEmail = jirafake.DefaultEmail
	jiraDefaultToken = jirafake.DefaultToken
	slackBotUserID   = slackfake.BotUserID
)

func TestWrittenConfigLoads(t *testing.T) {
	e := start(t, nil, nil)
	cfg := e.config(t)
	if un := cfg.Unconfigured(); len(un) != 0 {
		t.Errorf("Unconfigured() = %q, want every connection pointed at the sandbox", un)
	}
	if g := cfg.Connections.Google; !g.AdsConfigured() || !strings.HasPrefix(g.TokenURL, e.base) {
		t.Errorf("google connection not pointed at the sandbox: token_url %q, ads configured %v", g.TokenURL, g.AdsConfigured())
	}
	if g := cfg.Connections.Google; g.SheetsBaseURL != e.base+"/" || g.DriveBaseURL != e.base+"/drive/v3/" || g.Drive.SharedDriveID != SandboxSharedDrive {
		t.Errorf("sheets/drive not pointed at the sandbox: %q %q %q", g.SheetsBaseURL, g.DriveBaseURL, g.Drive.SharedDriveID)
	}
	if got := cfg.Connections.Jira.BaseURL; got != e.base {
		t.Errorf("jira base_url = %q, want %q", got, e.base)
	}
	if got := cfg.Connections.Slack.APIURL; got != e.base+"/api/" {
		t.Errorf("slack api_url = %q, want %q", got, e.base+"/api/")
	}
	if cfg.Connections.Slack.Mode != "socket" {
		t.Errorf("slack mode = %q, want socket", cfg.Connections.Slack.Mode)
	}
	if len(cfg.People) != 8 || len(cfg.Clients) != 3 {
		t.Fatalf("config has %d people and %d clients, want 8 and 3", len(cfg.People), len(cfg.Clients))
	}
	// Every person's Slack id is a user of the agency's team in the fake.
	for _, p := range cfg.People {
		u, ok := findUser(e, p.SlackUserID)
		if !ok || u.TeamID != cfg.Agency.SlackTeamID {
			t.Errorf("person %s: Slack user %s is %+v, want a user of team %s", p.ID, p.SlackUserID, u, cfg.Agency.SlackTeamID)
		}
	}
	// The planned call of BrightPath covers Sarah's +9h message (New York's
	// morning) and lasts under two hours.
	ws := cfg.ClientWindows("brightpath")
	if len(ws) != 1 {
		t.Fatalf("brightpath windows = %+v, want the planned call", ws)
	}
	call := testStart.Add(9 * time.Hour)
	if !ws[0].From.Before(call) || !ws[0].To.After(call) || ws[0].To.Sub(ws[0].From) > 2*time.Hour {
		t.Errorf("planned call %v..%v does not cover Sarah's message at %v", ws[0].From, ws[0].To, call)
	}
	if got := cfg.Client("acme-ua").StartDate; got != "2026-07-28" {
		t.Errorf("acme-ua start_date = %q, want 120 days before 2026-11-25", got)
	}
	if _, err := e.sb.Config(e.base, ConfigOptions{}); err == nil {
		t.Error("Config without a data dir succeeded; it must not default to the production path")
	}
}

func findUser(e *env, id string) (slack.User, bool) {
	api := slack.New(e.sb.creds.SlackBotToken, slack.OptionAPIURL(e.base+"/api/"))
	u, err := api.GetUserInfo(id)
	if err != nil {
		return slack.User{}, false
	}
	return *u, true
}

// TestOfficialClientsAgainstWrittenConfig points slack-go and go-jira at
// the URLs and credentials of the written config, as the daemon would.
func TestOfficialClientsAgainstWrittenConfig(t *testing.T) {
	e := start(t, nil, nil)
	cfg := e.config(t)

	sc := cfg.Connections.Slack
	api := slack.New(sc.BotToken.Reveal(), slack.OptionAPIURL(sc.APIURL))
	acme := cfg.Client("acme-ua").SlackChannels[0]
	ch, ts, err := api.PostMessage(acme, slack.MsgOptionText("Hello from Liaison", false))
	if err != nil || ch != acme || ts == "" {
		t.Fatalf("chat.postMessage = %q, %q, %v", ch, ts, err)
	}
	petro := cfg.Client("acme-ua").Contacts[0].SlackUserID
	u, err := api.GetUserInfo(petro)
	if err != nil {
		t.Fatal(err)
	}
	if u.TeamID == cfg.Agency.SlackTeamID || !u.IsStranger {
		t.Errorf("client contact %s: team %s (agency %s), is_stranger %v; want another team and a stranger", petro, u.TeamID, cfg.Agency.SlackTeamID, u.IsStranger)
	}
	var msgs []messageView
	e.getJSON(t, "/_sandbox/slack/messages?channel=acme-ua", &msgs)
	if len(msgs) != 1 || msgs[0].Text != "Hello from Liaison" || msgs[0].TS != ts || msgs[0].Ephemeral {
		t.Errorf("inspection of acme-ua = %+v, want the one message posted", msgs)
	}
	if _, _, err := slack.New("xoxb-wrong", slack.OptionAPIURL(sc.APIURL)).PostMessage(acme, slack.MsgOptionText("x", false)); err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("a wrong token posted: %v", err)
	}

	jc := cfg.Connections.Jira
	tp := jira.BasicAuthTransport{Username: jc.Email, Password: jc.APIToken.Reveal()}
	client, err := jira.NewClient(tp.Client(), jc.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	issues, _, err := client.Issue.SearchV2JQL(`project in (ACME, STEP, BPD) AND statusCategory != Done ORDER BY duedate ASC`,
		&jira.SearchOptionsV2{Fields: []string{"summary", "duedate", "status", "assignee"}, MaxResults: 50})
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if len(issues) != 10 {
		t.Fatalf("search found %d open issues, want 10", len(issues))
	}
	first := issues[0].Fields
	if time.Time(first.Duedate).Format(dateLayout) != "2026-11-22" || first.Assignee == nil || first.Assignee.AccountID != cfg.Person("oleh").JiraAccountID {
		t.Errorf("earliest due issue = %q due %v assignee %+v; want oleh's crawl errors, due 3 days before the start", first.Summary, time.Time(first.Duedate), first.Assignee)
	}
	bad := jira.BasicAuthTransport{Username: jc.Email, Password: "wrong"}
	badClient, _ := jira.NewClient(bad.Client(), jc.BaseURL)
	if _, resp, err := badClient.Issue.SearchV2JQL("project = ACME", nil); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token searched: %v", err)
	}
}

func TestInspection(t *testing.T) {
	e := start(t, nil, nil)
	req, _ := http.NewRequest("POST", e.base+"/rest/api/3/issue/ACME-1/comment",
		strings.NewReader(`{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Client asked about the report"}]}]}}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(jiraDefaultEmail, jiraDefaultToken)
	resp, err := e.httpc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("adding a comment: %d", resp.StatusCode)
	}
	var issues []issueView
	e.getJSON(t, "/_sandbox/jira/issues?project=ACME", &issues)
	if len(issues) != 4 {
		t.Fatalf("ACME issues = %d, want 4", len(issues))
	}
	first := issues[0]
	if first.Key != "ACME-1" || first.AssigneeID != "oleh" || first.DueDate != "2026-11-22" || first.Status != "In Progress" ||
		len(first.Comments) != 1 || first.Comments[0].Body != "Client asked about the report" {
		t.Errorf("ACME-1 = %+v", first)
	}
	var all []issueView
	e.getJSON(t, "/_sandbox/jira/issues", &all)
	if len(all) != 11 {
		t.Errorf("all issues = %d, want 11", len(all))
	}

	api := slack.New(e.sb.creds.SlackBotToken, slack.OptionAPIURL(e.base+"/api/"))
	meta := slack.SlackMetadata{EventType: "liaison_finding", EventPayload: map[string]any{"key": "deadline/ACME-1"}}
	_, ts, err := api.PostMessage("C0BRIGHTP01", slack.MsgOptionText("ACME-1 is overdue", false), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage("C0BRIGHTP01", ts, slack.MsgOptionText("ACME-1 is done", false)); err != nil {
		t.Fatal(err)
	}
	anna := e.sb.Scenario().slackIDs["anna"]
	if _, err := api.PostEphemeral("C0BRIGHTP01", anna, slack.MsgOptionText("Suggested answer: the 5th", false)); err != nil {
		t.Fatal(err)
	}
	var msgs []messageView
	e.getJSON(t, "/_sandbox/slack/messages?channel=brightpath", &msgs)
	if len(msgs) != 2 {
		t.Fatalf("brightpath messages = %+v, want the alert and the ephemeral", msgs)
	}
	if m := msgs[0]; m.Text != "ACME-1 is done" || len(m.Edits) != 1 || m.Edits[0].Text != "ACME-1 is overdue" ||
		m.Metadata == nil || m.Metadata.EventType != "liaison_finding" || m.User != slackBotUserID {
		t.Errorf("edited message = %+v", m)
	}
	if m := msgs[1]; !m.Ephemeral || m.EphemeralUser != anna {
		t.Errorf("ephemeral = %+v", m)
	}
	var other []messageView
	e.getJSON(t, "/_sandbox/slack/messages?channel=C0ACMEUA01", &other)
	if len(other) != 0 {
		t.Errorf("acme-ua shows %d messages of another channel", len(other))
	}
}

func TestReplayOnFakeClock(t *testing.T) {
	e := start(t, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.sb.Replay(ctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) && err != nil {
			t.Errorf("Replay: %v", err)
		}
	}()
	waitWaiter(t, e)
	if n := len(e.sb.Slack().AllMessages()); n != 0 {
		t.Fatalf("%d messages before any offset was reached", n)
	}

	e.clk.Advance(2 * time.Minute)
	waitMessages(t, e, 1)
	petro := e.sb.Slack().AllMessages()[0]
	oleh := e.sb.Scenario().slackIDs["oleh"]
	if petro.User != e.sb.Scenario().slackIDs["petro"] || !strings.Contains(petro.Text, "<@"+oleh+">") || petro.Channel != "C0ACMEUA01" {
		t.Errorf("first replayed message = %+v, want petro mentioning <@%s> in C0ACMEUA01", petro, oleh)
	}
	if got := tsTime(t, petro.TS); got.Sub(testStart) != 2*time.Minute {
		t.Errorf("first message ts %s is %v after the start, want 2m", petro.TS, got.Sub(testStart))
	}

	waitWaiter(t, e)
	e.clk.Advance(10 * time.Hour) // past New York's morning call
	waitMessages(t, e, 7)
	if _, ok := e.sb.NextReplay(); ok {
		t.Error("NextReplay reports pending messages after all offsets passed")
	}
	var replies int
	for _, m := range e.sb.Slack().AllMessages() {
		if m.ThreadTS != "" {
			replies++
			if _, ok := e.sb.Slack().Message(m.Channel, m.ThreadTS); !ok {
				t.Errorf("reply %s points at missing parent %s", m.TS, m.ThreadTS)
			}
		}
	}
	if replies != 3 {
		t.Errorf("%d thread replies, want 3", replies)
	}
	// Each message produced a message event waiting for a Socket Mode client.
	events := 0
	for _, d := range e.sb.Slack().Deliveries() {
		if strings.Contains(string(d.Payload), `"type":"message"`) {
			events++
		}
	}
	if events < 7 {
		t.Errorf("%d message events delivered, want at least 7", events)
	}
}

func TestReplayDueIsIdempotent(t *testing.T) {
	e := start(t, nil, nil)
	got, err := e.sb.ReplayDue(testStart.Add(6 * time.Minute))
	if err != nil || len(got) != 2 {
		t.Fatalf("ReplayDue(+6m) = %d messages, %v; want 2", len(got), err)
	}
	again, err := e.sb.ReplayDue(testStart.Add(6 * time.Minute))
	if err != nil || len(again) != 0 {
		t.Errorf("second ReplayDue(+6m) posted %d messages again, %v", len(again), err)
	}
	next, ok := e.sb.NextReplay()
	if !ok || !next.Equal(testStart.Add(12*time.Minute)) {
		t.Errorf("NextReplay = %v, %v; want start+12m", next, ok)
	}
}

func waitWaiter(t *testing.T, e *env) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.clk.Waiters() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Replay never waited on the clock")
		}
		time.Sleep(time.Millisecond)
	}
}

func waitMessages(t *testing.T, e *env, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.sb.Slack().AllMessages()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d messages replayed", len(e.sb.Slack().AllMessages()), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func tsTime(t *testing.T, ts string) time.Time {
	t.Helper()
	sec, micro, ok := strings.Cut(ts, ".")
	if !ok {
		t.Fatalf("ts %q has no fraction", ts)
	}
	var s, us int64
	for _, c := range sec {
		s = s*10 + int64(c-'0')
	}
	for _, c := range micro {
		us = us*10 + int64(c-'0')
	}
	return time.Unix(s, us*1000).Truncate(time.Second)
}

func TestRecordingHoldsNoSecrets(t *testing.T) {
	creds := Credentials{JiraEmail: "bot@sandbox.example", JiraToken: "JIRASECRETzq7w3", SlackBotToken: "xoxb-111-222-SLACKBOTSECRETq8",
		SlackAppToken: "xapp-1-A1-333-SLACKAPPSECRETk2", SlackSigningSecret: "SIGNINGSECRETv5"}
	e := start(t, nil, func(o *Options) { o.Credentials = creds })
	cfg := e.config(t)

	api := slack.New(creds.SlackBotToken, slack.OptionAPIURL(cfg.Connections.Slack.APIURL))
	if _, err := api.AuthTest(); err != nil { // slack-go sends this token in the form body
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage("C0ACMEUA01", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := slack.New(creds.SlackBotToken, slack.OptionAppLevelToken(creds.SlackAppToken), slack.OptionAPIURL(cfg.Connections.Slack.APIURL)).StartSocketModeContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The token in a query string, as some scripts send it.
	resp, err := e.httpc.Get(e.base + "/api/auth.test?token=" + url.QueryEscape(creds.SlackBotToken))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tp := jira.BasicAuthTransport{Username: creds.JiraEmail, Password: creds.JiraToken}
	jc, _ := jira.NewClient(tp.Client(), e.base)
	if _, _, err := jc.Issue.SearchV2JQL("project = ACME", &jira.SearchOptionsV2{Fields: []string{"summary"}}); err != nil {
		t.Fatal(err)
	}

	recs := e.rec.records(t)
	if len(recs) < 5 {
		t.Fatalf("recorded %d exchanges, want at least 5", len(recs))
	}
	raw := e.rec.String()
	basic := base64.StdEncoding.EncodeToString([]byte(creds.JiraEmail + ":" + creds.JiraToken))
	for _, secret := range []string{"JIRASECRETzq7w3", "SLACKBOTSECRETq8", "SLACKAPPSECRETk2", "SIGNINGSECRETv5", basic} {
		if strings.Contains(raw, secret) {
			t.Errorf("the recording contains the secret %q", secret)
		}
	}
	upstreams := map[string]int{}
	for _, r := range recs {
		upstreams[r.Upstream]++
		if r.Method == "" || r.Path == "" || r.Status == 0 || r.Time.IsZero() {
			t.Errorf("incomplete record %+v", r)
		}
		if strings.HasPrefix(r.Path, "/_sandbox/") {
			t.Errorf("inspection request recorded: %s", r.Path)
		}
	}
	if upstreams["slack"] < 4 || upstreams["jira"] < 1 {
		t.Errorf("records per upstream = %v", upstreams)
	}
	byPath := map[string]Record{}
	for _, r := range recs {
		byPath[r.Path] = r
	}
	post := byPath["/api/chat.postMessage"]
	if !strings.Contains(post.RequestBody, "channel=C0ACMEUA01") || !strings.Contains(post.RequestBody, "token=%3Credacted%3E") ||
		!strings.Contains(post.ResponseBody, `"ok":true`) || post.ResponseHeaders["Content-Type"] == "" {
		t.Errorf("chat.postMessage record = %+v, want its form body with the token field redacted, and the answer", post)
	}
	if open := byPath["/api/apps.connections.open"]; open.RequestHeaders["Authorization"] != redacted {
		t.Errorf("apps.connections.open record headers = %v, want Authorization redacted", open.RequestHeaders)
	}
	if search := byPath["/rest/api/2/search/jql"]; search.RequestHeaders["Authorization"] != redacted || !strings.Contains(search.Query, "jql=project") {
		t.Errorf("search record = %+v, want Authorization redacted and the query kept", search)
	}
}

func TestUnknownPathIsLoud(t *testing.T) {
	e := start(t, nil, nil)
	resp, err := e.httpc.Get(e.base + "/v22/customers/1/googleAds:searchStream")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path answered %d, want 404", resp.StatusCode)
	}
	var idx struct {
		Upstreams []string `json:"upstreams"`
		Routes    []string `json:"routes"`
	}
	e.getJSON(t, "/_sandbox/", &idx)
	if strings.Join(idx.Upstreams, ",") != "jira,slack,google,sheets,drive" || len(idx.Routes) < 7 {
		t.Errorf("index = %+v", idx)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "agency.yaml")
	recPath := filepath.Join(dir, "rec.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Run serves until ctx ends; an ended ctx makes it return once set up
	var out strings.Builder
	err := Run(ctx, []string{"-addr", "127.0.0.1:0", "-write-config", cfgPath, "-record", recPath, "-data-dir", dir}, &out, &out, nil)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), "liaison sandbox: http://127.0.0.1:") || !strings.Contains(out.String(), "liaison run -config "+cfgPath) {
		t.Errorf("Run printed:\n%s", &out)
	}
	if _, err := configs.Load(cfgPath, configs.WithLookupEnv(func(string) (string, bool) { return "", false })); err != nil {
		t.Errorf("the written config does not load: %v", err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("agency:\n  name: X\n  timezone: Mars/Olympus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), []string{"-seed", bad}, &out, &out, nil)
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), bad+":3:13: agency.timezone: unknown time zone") {
		t.Errorf("bad seed: %v, want a UsageError naming line 3", err)
	}
	if err := Run(context.Background(), []string{"-bogus"}, &out, &out, nil); !errors.As(err, &ue) {
		t.Errorf("unknown flag: %v, want a UsageError", err)
	}
}

// TestEventsAPIMode delivers replayed messages as signed HTTP requests to a
// daemon's endpoint, and writes a config in events mode.
func TestEventsAPIMode(t *testing.T) {
	got := make(chan string, 16)
	daemon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, _ := strconv.ParseInt(r.Header.Get("X-Slack-Request-Timestamp"), 10, 64)
		if r.Header.Get("X-Slack-Signature") != slackfake.Sign(slackfake.DefaultSigningSecret, ts, body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		got <- string(body)
	}))
	defer daemon.Close()
	e := start(t, nil, func(o *Options) { o.SlackEventsURL = daemon.URL + "/slack/events" })
	data, err := e.sb.Config(e.base, ConfigOptions{DataDir: t.TempDir(), SlackMode: "events"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Parse("events.yaml", data, configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil || cfg.Connections.Slack.Mode != "events" {
		t.Fatalf("events-mode config: %v", err)
	}
	if _, err := e.sb.ReplayDue(testStart.Add(2 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-got:
		if !strings.Contains(body, `"type":"event_callback"`) || !strings.Contains(body, "C0ACMEUA01") {
			t.Errorf("delivered event = %s", body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no signed event reached the daemon's endpoint")
	}
}
