package slackfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/clock"
)

var epoch = time.Unix(1700000000, 0).UTC()

type fixture struct {
	srv *Server
	api *slack.Client
	clk *clock.Fake
	url string
}

// newFake starts a fake on a fake clock with rate limits off (tests that
// are about limits turn them on) and checks all its traffic against the
// Slack specs when the test ends.
func newFake(t *testing.T, mod func(*Options)) fixture {
	t.Helper()
	clk := clock.NewFake(epoch)
	o := Options{Clock: clk, RateLimits: RateLimitsOff}
	if mod != nil {
		mod(&o)
	}
	srv, hs := NewServer(t, &o)
	t.Cleanup(func() { checkConformance(t, srv) })
	api := slack.New(DefaultBotToken, slack.OptionAPIURL(hs.URL+"/api/"), slack.OptionAppLevelToken(DefaultAppToken))
	return fixture{srv: srv, api: api, clk: clk, url: hs.URL}
}

func slackErr(t *testing.T, err error) string {
	t.Helper()
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		t.Fatalf("want a slack.SlackErrorResponse, got %T: %v", err, err)
	}
	return se.Err
}

func TestAuthTest(t *testing.T) {
	f := newFake(t, nil)
	resp, err := f.api.AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	if resp.UserID != BotUserID || resp.BotID != BotID || resp.TeamID != TeamID || resp.URL != "https://agency.slack.com/" {
		t.Errorf("auth.test = %+v", resp)
	}
}

func TestPostMessageBlocksMetadataThread(t *testing.T) {
	f := newFake(t, nil)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Deadline", false, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*ACME-12* is due tomorrow", false, false), nil, nil),
		slack.NewActionBlock("acts", slack.NewButtonBlockElement("ack", "ACME-12", slack.NewTextBlockObject(slack.PlainTextType, "Got it", false, false))),
	}
	meta := slack.SlackMetadata{EventType: "liaison_finding", EventPayload: map[string]any{"key": "deadline/ACME-12"}}
	ch, ts, err := f.api.PostMessage(GeneralChanID, slack.MsgOptionText("ACME-12 due", false), slack.MsgOptionBlocks(blocks...), slack.MsgOptionMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	if ch != GeneralChanID || ts != "1700000000.000000" {
		t.Errorf("posted to %s at %s", ch, ts)
	}
	_, rts, err := f.api.PostMessage(GeneralChanID, slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts))
	if err != nil {
		t.Fatal(err)
	}
	_, bts, err := f.api.PostMessage(GeneralChanID, slack.MsgOptionText("broadcast", false), slack.MsgOptionTS(ts), slack.MsgOptionBroadcast())
	if err != nil {
		t.Fatal(err)
	}
	if !(ts < rts && rts < bts) {
		t.Errorf("timestamps not increasing: %s %s %s", ts, rts, bts)
	}
	msgs := f.srv.Messages(GeneralChanID)
	if len(msgs) != 3 {
		t.Fatalf("stored %d messages, want 3", len(msgs))
	}
	parent := msgs[0]
	var stored []map[string]any
	if err := json.Unmarshal(parent.Blocks, &stored); err != nil || len(stored) != 3 || stored[0]["type"] != "header" {
		t.Errorf("blocks not stored verbatim: %s", parent.Blocks)
	}
	if parent.Metadata == nil || parent.Metadata.EventType != "liaison_finding" || !strings.Contains(string(parent.Metadata.EventPayload), "deadline/ACME-12") {
		t.Errorf("metadata = %+v", parent.Metadata)
	}
	if parent.BotID != BotID || parent.User != BotUserID {
		t.Errorf("author = %s/%s", parent.User, parent.BotID)
	}
	if len(parent.Replies) != 2 || msgs[1].ThreadTS != ts || msgs[2].Subtype != "thread_broadcast" {
		t.Errorf("thread wrong: replies=%v reply thread=%s broadcast subtype=%q", parent.Replies, msgs[1].ThreadTS, msgs[2].Subtype)
	}

	// A reply to a reply lands in the parent's thread, as in Slack.
	_, _, err = f.api.PostMessage(GeneralChanID, slack.MsgOptionText("nested", false), slack.MsgOptionTS(rts))
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := f.srv.Message(GeneralChanID, ts); len(m.Replies) != 3 {
		t.Errorf("reply to reply not threaded under parent: %v", m.Replies)
	}
}

func TestUpdateMessageKeepsHistory(t *testing.T) {
	f := newFake(t, nil)
	_, ts, err := f.api.PostMessage(GeneralChanID, slack.MsgOptionText("v1", false))
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Minute)
	_, _, text, err := f.api.UpdateMessage(GeneralChanID, ts, slack.MsgOptionText("v2 resolved", false))
	if err != nil {
		t.Fatal(err)
	}
	if text != "v2 resolved" {
		t.Errorf("update answered text %q", text)
	}
	m, _ := f.srv.Message(GeneralChanID, ts)
	if m.Text != "v2 resolved" || len(m.Revisions) != 1 || m.Revisions[0].Text != "v1" || m.Edited == nil || m.Edited.User != BotUserID {
		t.Errorf("after update: %+v", m)
	}
	if m.Edited.TS != "1700000060.000000" {
		t.Errorf("edit ts %s does not follow the clock", m.Edited.TS)
	}

	human, err := f.srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: AMUserID, Text: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ts, want string
	}{
		{"someone else's message", human.TS, "cant_update_message"},
		{"no such message", "1600000000.000001", "message_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := f.api.UpdateMessage(GeneralChanID, tt.ts, slack.MsgOptionText("x", false))
			if got := slackErr(t, err); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPostEphemeralIsNotInHistory(t *testing.T) {
	f := newFake(t, nil)
	ts, err := f.api.PostEphemeral(SharedChanID, AMUserID, slack.MsgOptionText("FAQ suggestion", false))
	if err != nil {
		t.Fatal(err)
	}
	eph := f.srv.Ephemerals()
	if len(eph) != 1 || eph[0].TS != ts || eph[0].EphemeralUser != AMUserID || !eph[0].Ephemeral {
		t.Errorf("ephemerals = %+v", eph)
	}
	if n := len(f.srv.Messages(SharedChanID)); n != 0 {
		t.Errorf("ephemeral leaked into channel messages: %d", n)
	}
	h, err := f.api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: SharedChanID})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 0 {
		t.Errorf("history shows ephemeral: %+v", h.Messages)
	}
	_, err = f.api.PostEphemeral(SharedChanID, HeadUserID, slack.MsgOptionText("x", false))
	if got := slackErr(t, err); got != "user_not_in_channel" {
		t.Errorf("ephemeral to non-member: %q", got)
	}
}

func TestHistoryMetadataPagingAndWindow(t *testing.T) {
	f := newFake(t, nil)
	var tss []string
	for i := range 5 {
		f.clk.Advance(time.Second)
		opts := []slack.MsgOption{slack.MsgOptionText("m"+string(rune('0'+i)), false)}
		if i == 0 {
			opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "mark", EventPayload: map[string]any{"n": 1}}))
		}
		_, ts, err := f.api.PostMessage(GeneralChanID, opts...)
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}

	var got []string
	cursor := ""
	pages := 0
	for {
		h, err := f.api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: GeneralChanID, Limit: 2, Cursor: cursor, IncludeAllMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range h.Messages {
			got = append(got, m.Timestamp)
			if m.Timestamp == tss[0] && m.Metadata.EventType != "mark" {
				t.Errorf("include_all_metadata=true lost metadata: %+v", m.Metadata)
			}
		}
		if h.HasMore != (h.ResponseMetaData.NextCursor != "") {
			t.Errorf("has_more=%v but next_cursor=%q", h.HasMore, h.ResponseMetaData.NextCursor)
		}
		if !h.HasMore {
			break
		}
		cursor = h.ResponseMetaData.NextCursor
	}
	want := []string{tss[4], tss[3], tss[2], tss[1], tss[0]}
	if strings.Join(got, ",") != strings.Join(want, ",") || pages != 3 {
		t.Errorf("paged history = %v in %d pages, want %v in 3", got, pages, want)
	}

	h, err := f.api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: GeneralChanID})
	if err != nil {
		t.Fatal(err)
	}
	if last := h.Messages[len(h.Messages)-1]; last.Metadata.EventType != "" {
		t.Errorf("metadata returned without include_all_metadata: %+v", last.Metadata)
	}

	windows := []struct {
		name           string
		oldest, latest string
		inclusive      bool
		want           []string
	}{
		{"exclusive", tss[1], tss[3], false, []string{tss[2]}},
		{"inclusive", tss[1], tss[3], true, []string{tss[3], tss[2], tss[1]}},
		{"oldest only", tss[3], "", false, []string{tss[4]}},
	}
	for _, w := range windows {
		t.Run(w.name, func(t *testing.T) {
			h, err := f.api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: GeneralChanID, Oldest: w.oldest, Latest: w.latest, Inclusive: w.inclusive})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range h.Messages {
				got = append(got, m.Timestamp)
			}
			if strings.Join(got, ",") != strings.Join(w.want, ",") {
				t.Errorf("got %v, want %v", got, w.want)
			}
		})
	}
	_, err = f.api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: GeneralChanID, Cursor: "garbage"})
	if got := slackErr(t, err); got != "invalid_cursor" {
		t.Errorf("bad cursor: %q", got)
	}
}

func TestConversationReplies(t *testing.T) {
	f := newFake(t, nil)
	parent, err := f.srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: ClientUserID, Text: "when is the report?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{SEOUserID, AMUserID, ClientUserID} {
		if _, err := f.srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: u, Text: "reply", ThreadTS: parent.TS}); err != nil {
			t.Fatal(err)
		}
	}
	var all []slack.Message
	cursor := ""
	for {
		msgs, more, next, err := f.api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: SharedChanID, Timestamp: parent.TS, Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, msgs...)
		if !more {
			break
		}
		cursor = next
	}
	if len(all) != 4 || all[0].Timestamp != parent.TS || all[0].ReplyCount != 3 || all[1].User != SEOUserID {
		t.Fatalf("replies = %d messages, first %+v", len(all), all[0].Msg)
	}
	if len(all[0].ReplyUsers) != 3 || all[0].LatestReply != all[3].Timestamp {
		t.Errorf("parent thread summary: users=%v latest=%s", all[0].ReplyUsers, all[0].LatestReply)
	}
	if all[1].ThreadTimestamp != parent.TS || all[1].ParentUserId != ClientUserID {
		t.Errorf("reply fields: thread_ts=%s parent_user_id=%s", all[1].ThreadTimestamp, all[1].ParentUserId)
	}
	h, err := f.api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: SharedChanID})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 1 {
		t.Errorf("history shows %d messages, want only the thread parent", len(h.Messages))
	}
	_, _, _, err = f.api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: SharedChanID, Timestamp: "1600000000.000000"})
	if got := slackErr(t, err); got != "thread_not_found" {
		t.Errorf("missing thread: %q", got)
	}
}

func TestUsersInfo(t *testing.T) {
	f := newFake(t, nil)
	tests := []struct {
		id                     string
		team                   string
		stranger, guest, isBot bool
	}{
		{ClientUserID, ClientTeamID, true, false, false},
		{GuestUserID, TeamID, false, true, false},
		{AMUserID, TeamID, false, false, false},
		{BotUserID, TeamID, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			u, err := f.api.GetUserInfo(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if u.TeamID != tt.team || u.IsStranger != tt.stranger || u.IsRestricted != tt.guest || u.IsBot != tt.isBot {
				t.Errorf("user = team %s stranger %v restricted %v bot %v", u.TeamID, u.IsStranger, u.IsRestricted, u.IsBot)
			}
		})
	}
	_, err := f.api.GetUserInfo("U0NOBODY01")
	if got := slackErr(t, err); got != "user_not_found" {
		t.Errorf("unknown user: %q", got)
	}
}

func TestOpenConversationAndInfo(t *testing.T) {
	f := newFake(t, nil)
	ch, noOp, already, err := f.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{AMUserID}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ch.ID, "D") || noOp || already {
		t.Errorf("first open: %s noOp=%v already=%v", ch.ID, noOp, already)
	}
	ch2, _, already, err := f.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{AMUserID}, ReturnIM: true})
	if err != nil {
		t.Fatal(err)
	}
	if ch2.ID != ch.ID || !already || !ch2.IsIM || ch2.User != AMUserID {
		t.Errorf("second open: %+v already=%v", ch2, already)
	}
	if _, _, err := f.api.PostMessage(ch.ID, slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("posting into the opened IM: %v", err)
	}
	info, err := f.api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: SharedChanID, IncludeNumMembers: true})
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsExtShared || info.NumMembers != 5 || info.Name != "acme-shared" {
		t.Errorf("info = ext_shared %v members %d name %s", info.IsExtShared, info.NumMembers, info.Name)
	}
	_, _, _, err = f.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0NOBODY01"}})
	if got := slackErr(t, err); got != "user_not_found" {
		t.Errorf("open with unknown user: %q", got)
	}
}

func TestPermalinkReactionsMembersAndUserConversations(t *testing.T) {
	f := newFake(t, nil)
	m, err := f.srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: ClientUserID, Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	link, err := f.api.GetPermalink(&slack.PermalinkParameters{Channel: SharedChanID, Ts: m.TS})
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://agency.slack.com/archives/C0ACMEEXT1/p1700000000000000"; link != want {
		t.Errorf("permalink %s, want %s", link, want)
	}
	if err := f.api.AddReaction("question", slack.NewRefToMessage(SharedChanID, m.TS)); err != nil {
		t.Fatal(err)
	}
	err = f.api.AddReaction("question", slack.NewRefToMessage(SharedChanID, m.TS))
	if got := slackErr(t, err); got != "already_reacted" {
		t.Errorf("second reaction: %q", got)
	}
	got, _ := f.srv.Message(SharedChanID, m.TS)
	if len(got.Reactions) != 1 || got.Reactions[0].Name != "question" || got.Reactions[0].Users[0] != BotUserID {
		t.Errorf("reactions = %+v", got.Reactions)
	}
	members, next, err := f.api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: SharedChanID, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	rest, next2, err := f.api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: SharedChanID, Limit: 3, Cursor: next})
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 3 || len(rest) != 2 || next == "" || next2 != "" {
		t.Errorf("members paging: %v then %v (cursors %q, %q)", members, rest, next, next2)
	}
	chans, _, err := f.api.GetConversationsForUser(&slack.GetConversationsForUserParameters{UserID: AMUserID, Types: []string{"public_channel", "private_channel"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range chans {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != strings.Join([]string{GeneralChanID, SharedChanID, PrivateChanID, NoBotChanID}, ",") {
		t.Errorf("users.conversations = %v", ids)
	}
}

func TestWebAPIErrors(t *testing.T) {
	f := newFake(t, nil)
	f.srv.AddChannel(Channel{ID: "C0SECRET01", Name: "secret", Private: true, Members: []string{AMUserID}})
	header := `[{"type":"header","text":{"type":"mrkdwn","text":"*bold*"}}]`
	tests := []struct {
		name   string
		token  string
		method string
		args   url.Values
		want   string
	}{
		{"unknown channel", DefaultBotToken, "chat.postMessage", url.Values{"channel": {"C0NOSUCH01"}, "text": {"x"}}, "channel_not_found"},
		{"private channel bot is not in", DefaultBotToken, "conversations.history", url.Values{"channel": {"C0SECRET01"}}, "channel_not_found"},
		{"public channel bot is not in", DefaultBotToken, "chat.postMessage", url.Values{"channel": {NoBotChanID}, "text": {"x"}}, "not_in_channel"},
		{"history of channel bot is not in", DefaultBotToken, "conversations.history", url.Values{"channel": {NoBotChanID}}, "not_in_channel"},
		{"unknown token", "xoxb-0000-wrong", "auth.test", nil, "invalid_auth"},
		{"no token", "", "auth.test", nil, "not_authed"},
		{"app token on web api", DefaultAppToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "text": {"x"}}, "not_allowed_token_type"},
		{"bot token on connections.open", DefaultBotToken, "apps.connections.open", nil, "not_allowed_token_type"},
		{"no text nor blocks", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}}, "no_text"},
		{"text too long", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "text": {strings.Repeat("a", 40001)}}, "msg_too_long"},
		{"header with mrkdwn", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "blocks": {header}}, "invalid_blocks"},
		{"blocks not json", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "blocks": {"[{"}}, "invalid_blocks_format"},
		{"metadata without payload", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "text": {"x"}, "metadata": {`{"event_type":"x"}`}}, "invalid_metadata_schema"},
		{"metadata not json", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "text": {"x"}, "metadata": {`{`}}, "invalid_metadata_format"},
		{"thread that does not exist", DefaultBotToken, "chat.postMessage", url.Values{"channel": {GeneralChanID}, "text": {"x"}, "thread_ts": {"1600000000.000001"}}, "thread_not_found"},
		{"bad reaction name", DefaultBotToken, "reactions.add", url.Values{"channel": {GeneralChanID}, "name": {"Not Valid"}, "timestamp": {"1700000000.000000"}}, "invalid_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range tt.args {
				form[k] = v
			}
			if tt.token != "" {
				form.Set("token", tt.token)
			}
			status, body := postForm(t, f.url, tt.method, form)
			if status != http.StatusOK || body["ok"] != false || body["error"] != tt.want {
				t.Errorf("got %d %v, want 200 error %s", status, body, tt.want)
			}
		})
	}

	// slack-go surfaces these as SlackErrorResponse.
	bad := slack.New("xoxb-0000-wrong", slack.OptionAPIURL(f.url+"/api/"))
	if _, err := bad.AuthTest(); slackErr(t, err) != "invalid_auth" {
		t.Errorf("invalid_auth not surfaced: %v", err)
	}
	if _, _, err := f.api.PostMessage("C0NOSUCH01", slack.MsgOptionText("x", false)); slackErr(t, err) != "channel_not_found" {
		t.Errorf("channel_not_found not surfaced: %v", err)
	}
	if _, _, err := f.api.PostMessage(NoBotChanID, slack.MsgOptionText("x", false)); slackErr(t, err) != "not_in_channel" {
		t.Errorf("not_in_channel not surfaced: %v", err)
	}
	f.srv.DeactivateToken(DefaultBotToken)
	if _, err := f.api.AuthTest(); slackErr(t, err) != "account_inactive" {
		t.Errorf("account_inactive not surfaced: %v", err)
	}
}

func TestMissingScope(t *testing.T) {
	f := newFake(t, func(o *Options) { o.Scopes = []string{"users:read"} })
	_, _, err := f.api.PostMessage(GeneralChanID, slack.MsgOptionText("x", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "missing_scope" || se.Needed != "chat:write" || se.Provided != "users:read" {
		t.Errorf("got %#v", err)
	}
}
