package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/deliver"
)

const alertBlocks = `[
 {"type":"section","text":{"type":"mrkdwn","text":"*ACME* pinged Sergey"}},
 {"type":"actions","block_id":"act","elements":[
  {"type":"button","action_id":"take_over","value":"redirect/ACME/1","text":{"type":"plain_text","text":"Take over"}}]}
]`

// blockTypes decodes a Block Kit array into its block types and action ids,
// which is what survives slack-go's re-encoding unchanged.
func blockTypes(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var bs []struct {
		Type     string `json:"type"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &bs); err != nil {
		t.Fatalf("blocks %s: %v", raw, err)
	}
	var out []string
	for _, b := range bs {
		out = append(out, b.Type)
		for _, e := range b.Elements {
			out = append(out, e.ActionID+"="+e.Value)
		}
	}
	return out
}

func TestDeliverMethodsRoundTrip(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
	ctx := context.Background()
	var s deliver.Slack = f.c

	parent, err := s.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "client pinged a specialist",
		Blocks:   json.RawMessage(alertBlocks),
		Metadata: &deliver.Metadata{EventType: deliver.MetadataEventType, Payload: map[string]any{"key": "d/1"}}})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := f.srv.Message(slackfake.SharedChanID, parent)
	if !ok {
		t.Fatalf("message %s not stored", parent)
	}
	if m.Text != "client pinged a specialist" || m.BotID != slackfake.BotID || m.ThreadTS != "" {
		t.Errorf("stored message = %+v", m)
	}
	if got := strings.Join(blockTypes(t, m.Blocks), ","); got != "section,actions,take_over=redirect/ACME/1" {
		t.Errorf("blocks = %s", got)
	}
	var payload map[string]any
	if m.Metadata == nil || json.Unmarshal(m.Metadata.EventPayload, &payload) != nil ||
		m.Metadata.EventType != deliver.MetadataEventType || payload["key"] != "d/1" {
		t.Errorf("metadata = %+v", m.Metadata)
	}

	reply, err := s.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "your AM is Anna", ThreadTS: parent})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := f.srv.Message(slackfake.SharedChanID, reply); r.ThreadTS != parent || r.Blocks != nil || r.Metadata != nil {
		t.Errorf("reply = %+v", r)
	}

	// An update replaces text and drops blocks the new version lacks.
	if err := s.UpdateMessage(ctx, parent, deliver.Message{Channel: slackfake.SharedChanID, Text: "resolved"}); err != nil {
		t.Fatal(err)
	}
	m, _ = f.srv.Message(slackfake.SharedChanID, parent)
	if m.Text != "resolved" || len(m.Blocks) != 0 || m.Edited == nil || len(m.Revisions) != 1 {
		t.Errorf("updated message = %+v", m)
	}

	if err := s.PostEphemeral(ctx, slackfake.AMUserID, deliver.Message{Channel: slackfake.SharedChanID, Text: "FAQ match",
		Blocks: json.RawMessage(alertBlocks)}); err != nil {
		t.Fatal(err)
	}
	eph := f.srv.Ephemerals()
	if len(eph) != 1 || eph[0].EphemeralUser != slackfake.AMUserID || eph[0].Text != "FAQ match" || len(eph[0].Blocks) == 0 {
		t.Errorf("ephemerals = %+v", eph)
	}

	dm, err := s.OpenDM(ctx, slackfake.AMUserID)
	if err != nil || !strings.HasPrefix(dm, "D") {
		t.Fatalf("OpenDM = %q, %v", dm, err)
	}
	if again, err := s.OpenDM(ctx, slackfake.AMUserID); err != nil || again != dm {
		t.Errorf("second OpenDM = %q, %v", again, err)
	}
	if n := f.srv.CallCount("conversations.open"); n != 1 {
		t.Errorf("conversations.open called %d times, want 1 (cached)", n)
	}
	if _, err := s.PostMessage(ctx, deliver.Message{Channel: dm, Text: "digest"}); err != nil {
		t.Errorf("posting to the DM: %v", err)
	}

	link, err := f.c.Permalink(ctx, slackfake.SharedChanID, reply, parent)
	if err != nil || !strings.Contains(link, "/archives/"+slackfake.SharedChanID+"/p") || !strings.Contains(link, "thread_ts="+parent) {
		t.Errorf("Permalink = %q, %v", link, err)
	}
	for range 2 { // the second reaction is a no-op, not an error
		if err := f.c.AddReaction(ctx, slackfake.SharedChanID, parent, ":eyes:"); err != nil {
			t.Fatal(err)
		}
	}
	m, _ = f.srv.Message(slackfake.SharedChanID, parent)
	if len(m.Reactions) != 1 || m.Reactions[0].Name != "eyes" || m.Reactions[0].Users[0] != slackfake.BotUserID {
		t.Errorf("reactions = %+v", m.Reactions)
	}
}

func TestRejectsBadMessagesWithoutCallingSlack(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
	cases := []struct {
		name string
		m    deliver.Message
		code string
	}{
		{"no text", deliver.Message{Channel: slackfake.GeneralChanID, Blocks: json.RawMessage(alertBlocks)}, "no_text"},
		{"blocks not json", deliver.Message{Channel: slackfake.GeneralChanID, Text: "x", Blocks: json.RawMessage(`[{`)}, "invalid_blocks"},
		{"metadata without type", deliver.Message{Channel: slackfake.GeneralChanID, Text: "x", Metadata: &deliver.Metadata{}}, "invalid_metadata_schema"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.c.PostMessage(context.Background(), tc.m)
			if !deliver.IsPermanent(err) || !strings.Contains(err.Error(), tc.code) {
				t.Errorf("err = %v, want permanent %s", err, tc.code)
			}
		})
	}
	if n := f.srv.CallCount("chat.postMessage"); n != 0 {
		t.Errorf("chat.postMessage called %d times", n)
	}
}

func TestErrorClassification(t *testing.T) {
	post := func(ch string) func(*fixture) error {
		return func(f *fixture) error {
			_, err := f.c.PostMessage(context.Background(), deliver.Message{Channel: ch, Text: "hi"})
			return err
		}
	}
	cases := []struct {
		name      string
		setup     func(*fixture)
		call      func(*fixture) error
		code      string
		permanent bool
		wait      time.Duration // > 0: a rate limit with this Retry-After
	}{
		{name: "channel_not_found", call: post("C0DOESNOTEXIST"), code: "channel_not_found", permanent: true},
		{name: "not_in_channel", call: func(f *fixture) error {
			_, _, err := f.c.FindByMetadata(context.Background(), slackfake.NoBotChanID, "", "t", "k", time.Time{}, 10)
			return err
		}, code: "not_in_channel", permanent: true},
		{name: "invalid_auth", setup: func(f *fixture) {
			f.srv.Script(slackfake.Fault{Method: "chat.postMessage", Error: "invalid_auth"})
		}, call: post(slackfake.GeneralChanID), code: "invalid_auth", permanent: true},
		{name: "account_inactive", setup: func(f *fixture) { f.srv.DeactivateToken(slackfake.DefaultBotToken) },
			call: post(slackfake.GeneralChanID), code: "account_inactive", permanent: true},
		{name: "token_revoked", setup: func(f *fixture) { f.srv.RevokeToken(slackfake.DefaultBotToken) },
			call: post(slackfake.GeneralChanID), code: "token_revoked", permanent: true},
		{name: "message_not_found", call: func(f *fixture) error {
			return f.c.UpdateMessage(context.Background(), "1.000001", deliver.Message{Channel: slackfake.GeneralChanID, Text: "x"})
		}, code: "message_not_found", permanent: true},
		{name: "user_not_found", call: func(f *fixture) error {
			_, err := f.c.UserInfo(context.Background(), "U0NOBODY01")
			return err
		}, code: "user_not_found", permanent: true},
		{name: "fatal_error is transient", setup: func(f *fixture) {
			f.srv.Script(slackfake.Fault{Method: "chat.postMessage", Error: "fatal_error"})
		}, call: post(slackfake.GeneralChanID), code: "fatal_error"},
		{name: "persistent 503 is transient", setup: func(f *fixture) {
			f.srv.Script(slackfake.Fault{Method: "chat.postMessage", Status: 503, Times: 10})
		}, call: post(slackfake.GeneralChanID), code: "HTTP 503"},
		{name: "ratelimited", setup: func(f *fixture) {
			f.srv.Script(slackfake.Fault{Method: "chat.postMessage", Status: 429, RetryAfter: 42 * time.Second})
		}, call: post(slackfake.GeneralChanID), code: "ratelimited", wait: 42 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
			if tc.setup != nil {
				tc.setup(f)
			}
			err := tc.call(f)
			if err == nil {
				t.Fatal("no error")
			}
			if got := deliver.IsPermanent(err); got != tc.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tc.permanent)
			}
			if !strings.Contains(err.Error(), tc.code) {
				t.Errorf("error %q does not name %q", err, tc.code)
			}
			wait, limited := deliver.RetryAfterOf(err)
			if limited != (tc.wait > 0) || wait != tc.wait {
				t.Errorf("RetryAfterOf = %v, %v; want %v", wait, limited, tc.wait)
			}
			var apiErr *APIError
			if !errorsAs(err, &apiErr) || apiErr.Method == "" {
				t.Errorf("error %T is not an *APIError with a method", err)
			}
		})
	}
}

func TestHTTPLayerRetries5xx(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
	f.srv.Script(slackfake.Fault{Method: "chat.postMessage", Status: 500})
	ts, err := f.c.PostMessage(context.Background(), deliver.Message{Channel: slackfake.GeneralChanID, Text: "after a 500"})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.srv.CallCount("chat.postMessage"); n != 2 {
		t.Errorf("chat.postMessage called %d times, want 2", n)
	}
	if msgs := f.srv.Messages(slackfake.GeneralChanID); len(msgs) != 1 || msgs[0].TS != ts {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	const (
		bot = "xoxb-9999999999-8888888888-CANARYbotTOKENvalue"
		app = "xapp-1-A0LIAISON1-7777777777-CANARYappTOKENvalue"
	)
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true,
		BotToken: bot, AppToken: app}, nil)
	ctx := context.Background()
	var errs []error
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	f.srv.Script(slackfake.Fault{Method: "*", Error: "invalid_auth"},
		slackfake.Fault{Method: "*", Status: 500, Times: 3},
		slackfake.Fault{Method: "*", Status: 429, RetryAfter: time.Minute})
	for range 3 {
		_, err := f.c.PostMessage(ctx, deliver.Message{Channel: slackfake.GeneralChanID, Text: "x"})
		collect(err)
	}
	collect(f.c.UpdateMessage(ctx, "1.1", deliver.Message{Channel: "C0NOPE0000", Text: "x"}))
	f.srv.RevokeToken(bot)
	_, err := f.c.AuthTest(ctx)
	collect(err)

	// A transport failure: the server is gone.
	f.hs.Close()
	_, err = f.c.UserInfo(ctx, slackfake.AMUserID)
	collect(err)

	if len(errs) != 6 {
		t.Fatalf("got %d errors, want 6: %v", len(errs), errs)
	}
	logs := f.log.String()
	for _, s := range []string{bot, app, "CANARY"} {
		for _, err := range errs {
			for _, text := range []string{err.Error(), fmtAll(err)} {
				if strings.Contains(text, s) {
					t.Errorf("error leaks a secret: %s", text)
				}
			}
		}
		if strings.Contains(logs, s) {
			t.Errorf("logs leak a secret:\n%s", logs)
		}
	}
	if s := f.c.String(); strings.Contains(s, "CANARY") {
		t.Errorf("String() leaks: %s", s)
	}
}

func TestUserInfoCacheExpires(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
	ctx := context.Background()
	get := func() User {
		t.Helper()
		u, err := f.c.UserInfo(ctx, slackfake.ClientUserID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	u := get()
	if u.TeamID != slackfake.ClientTeamID || !u.External(slackfake.TeamID) || u.IsBot || u.Deleted {
		t.Errorf("client user = %+v", u)
	}
	get()
	if n := f.srv.CallCount("users.info"); n != 1 {
		t.Errorf("users.info called %d times before expiry, want 1", n)
	}
	f.clk.Advance(DefaultUserTTL - time.Second)
	get()
	if n := f.srv.CallCount("users.info"); n != 1 {
		t.Errorf("users.info called %d times just before expiry, want 1", n)
	}
	f.clk.Advance(2 * time.Second)
	get()
	if n := f.srv.CallCount("users.info"); n != 2 {
		t.Errorf("users.info called %d times after expiry, want 2", n)
	}

	guest, err := f.c.UserInfo(ctx, slackfake.GuestUserID)
	if err != nil {
		t.Fatal(err)
	}
	if !guest.IsRestricted || guest.External(slackfake.TeamID) {
		t.Errorf("guest = %+v: a guest is restricted and internal", guest)
	}
}

func TestAuthTestIsCached(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
	for range 3 {
		id, err := f.c.AuthTest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if id.UserID != slackfake.BotUserID || id.BotID != slackfake.BotID || id.TeamID != slackfake.TeamID {
			t.Errorf("identity = %+v", id)
		}
	}
	if n := f.srv.CallCount("auth.test"); n != 1 {
		t.Errorf("auth.test called %d times", n)
	}
}

func TestNewChecksTokens(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"no bot token", Config{}},
		{"user token", Config{BotToken: "xoxp-1-2"}},
		{"bot token as app token", Config{BotToken: "xoxb-1-2", AppToken: "xoxb-1-2"}},
	}
	for _, tc := range cases {
		_, err := New(tc.cfg, Options{})
		switch {
		case err == nil:
			t.Errorf("%s: New accepted %+v", tc.name, tc.cfg)
		case tc.cfg.BotToken != "" && strings.Contains(err.Error(), tc.cfg.BotToken.Reveal()):
			t.Errorf("%s: error echoes the token: %v", tc.name, err)
		}
	}
	if _, err := New(Config{BotToken: secret.Secret("xoxb-1-2")}, Options{}); err != nil {
		t.Errorf("minimal config: %v", err)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// fmtAll renders err and every error it wraps, as a careless log line might.
func fmtAll(err error) string {
	var b strings.Builder
	for e := err; e != nil; e = errors.Unwrap(e) {
		fmt.Fprintf(&b, "%+v | %v\n", e, e)
	}
	return b.String()
}

// TestPermalinksNeedNoCallPerMessage: links are built from auth.test's
// workspace URL, one auth.test for any number of messages and no
// chat.getPermalink, and they are exactly the links Slack itself gives, for
// top-level messages and thread replies.
func TestPermalinksNeedNoCallPerMessage(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	parent, err := f.c.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "parent"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := f.c.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "reply", ThreadTS: parent})
	if err != nil {
		t.Fatal(err)
	}
	before := f.srv.CallCount("auth.test")
	var built []string
	for range 50 {
		for _, m := range [][2]string{{parent, ""}, {reply, parent}} {
			link, err := f.c.Permalink(ctx, slackfake.SharedChanID, m[0], m[1])
			if err != nil {
				t.Fatal(err)
			}
			built = append(built, link)
		}
	}
	if n := f.srv.CallCount("chat.getPermalink"); n != 0 {
		t.Errorf("chat.getPermalink called %d times for 100 links, want 0", n)
	}
	if n := f.srv.CallCount("auth.test") - before; n > 1 {
		t.Errorf("auth.test called %d times for 100 links, want at most 1", n)
	}
	for i, ts := range []string{parent, reply} {
		want, err := f.c.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: slackfake.SharedChanID, Ts: ts})
		if err != nil {
			t.Fatal(err)
		}
		if built[i] != want {
			t.Errorf("built %q, Slack gives %q", built[i], want)
		}
	}
}

func TestBuildPermalinkRefusesWhatItCannotBuild(t *testing.T) {
	for _, tt := range []struct{ url, ts string }{
		{"", "1700000000.000100"},
		{"http://northwind.slack.com/", "1700000000.000100"},
		{"https://northwind.slack.com/", "1700000000"},
		{"https://northwind.slack.com/", "17000x0000.000100"},
	} {
		if link, ok := BuildPermalink(tt.url, "C1", tt.ts, ""); ok {
			t.Errorf("BuildPermalink(%q, %q) = %q, want refused", tt.url, tt.ts, link)
		}
	}
}
