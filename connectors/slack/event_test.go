package slack

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/liaisonhq/liaison/clock"
)

// wrap puts an inner event into the event_callback wrapper Slack sends.
func wrapInner(inner string) []byte {
	return []byte(`{"token":"x","team_id":"T0AGENCY01","api_app_id":"A0LIAISON1","type":"event_callback",
	 "event_id":"Ev0TEST","event_time":1700000000,"is_ext_shared_channel":true,
	 "authorizations":[{"team_id":"T0AGENCY01","user_id":"U0LIAISON1","is_bot":true}],"event":` + inner + `}`)
}

func TestConvertEvent(t *testing.T) {
	cases := []struct {
		name  string
		inner string
		self  Identity
		want  *Event // nil: ignored
	}{
		{
			name:  "client message in a shared channel",
			inner: `{"type":"message","channel":"C0ACMEEXT1","channel_type":"channel","user":"U0CLIENT01","user_team":"T0ACMECORP","team":"T0ACMECORP","text":"hi","ts":"1.000001","event_ts":"1.000001"}`,
			want: &Event{Kind: KindMessage, Channel: "C0ACMEEXT1", ChannelType: "channel", User: "U0CLIENT01",
				UserTeam: "T0ACMECORP", Text: "hi", TS: "1.000001"},
		},
		{
			name:  "thread reply by a colleague",
			inner: `{"type":"message","channel":"C0ACMEEXT1","channel_type":"channel","user":"U0SERGEY01","team":"T0AGENCY01","text":"on it","ts":"1.000003","thread_ts":"1.000001","event_ts":"1.000003"}`,
			want: &Event{Kind: KindMessage, Channel: "C0ACMEEXT1", ChannelType: "channel", User: "U0SERGEY01",
				Text: "on it", TS: "1.000003", ThreadTS: "1.000001"},
		},
		{
			name:  "thread broadcast",
			inner: `{"type":"message","subtype":"thread_broadcast","channel":"C0ACMEEXT1","channel_type":"channel","user":"U0CLIENT01","user_team":"T0ACMECORP","text":"also","ts":"1.000004","thread_ts":"1.000001","event_ts":"1.000004"}`,
			want: &Event{Kind: KindMessage, Subtype: "thread_broadcast", Channel: "C0ACMEEXT1", ChannelType: "channel",
				User: "U0CLIENT01", UserTeam: "T0ACMECORP", Text: "also", TS: "1.000004", ThreadTS: "1.000001"},
		},
		{
			name:  "our own message, recognised from authorizations",
			inner: `{"type":"message","channel":"C0GENERAL1","channel_type":"channel","user":"U0LIAISON1","bot_id":"B0LIAISON1","text":"alert","ts":"1.000005","event_ts":"1.000005"}`,
			want: &Event{Kind: KindMessage, Channel: "C0GENERAL1", ChannelType: "channel", User: "U0LIAISON1",
				BotID: "B0LIAISON1", Own: true, Text: "alert", TS: "1.000005"},
		},
		{
			name:  "another bot's message",
			inner: `{"type":"message","subtype":"bot_message","channel":"C0GENERAL1","channel_type":"channel","bot_id":"B0JIRA0001","text":"ACME-1 done","ts":"1.000006","event_ts":"1.000006"}`,
			self:  Identity{UserID: "U0LIAISON1", BotID: "B0LIAISON1"},
			want: &Event{Kind: KindMessage, Subtype: "bot_message", Channel: "C0GENERAL1", ChannelType: "channel",
				BotID: "B0JIRA0001", Text: "ACME-1 done", TS: "1.000006"},
		},
		{
			name: "edit",
			inner: `{"type":"message","subtype":"message_changed","hidden":true,"channel":"C0ACMEEXT1","channel_type":"channel","ts":"1.000009","event_ts":"1.000009",
			 "message":{"type":"message","user":"U0CLIENT01","team":"T0ACMECORP","text":"hi again","ts":"1.000001","edited":{"user":"U0CLIENT01","ts":"1.000009"}},
			 "previous_message":{"type":"message","user":"U0CLIENT01","text":"hi","ts":"1.000001"}}`,
			want: &Event{Kind: KindMessageChanged, Channel: "C0ACMEEXT1", ChannelType: "channel", User: "U0CLIENT01",
				UserTeam: "T0ACMECORP", Text: "hi again", PreviousText: "hi", TS: "1.000001", EditedTS: "1.000009"},
		},
		{
			name: "deletion",
			inner: `{"type":"message","subtype":"message_deleted","hidden":true,"channel":"C0ACMEEXT1","channel_type":"channel","ts":"1.000010","deleted_ts":"1.000001","event_ts":"1.000010",
			 "previous_message":{"type":"message","user":"U0CLIENT01","text":"hi again","ts":"1.000001"}}`,
			want: &Event{Kind: KindMessageDeleted, Channel: "C0ACMEEXT1", ChannelType: "channel", User: "U0CLIENT01",
				PreviousText: "hi again", TS: "1.000001"},
		},
		{
			name:  "channel join",
			inner: `{"type":"message","subtype":"channel_join","channel":"C0ACMEEXT1","channel_type":"channel","user":"U0PAVELPP1","inviter":"U0ANNAAM01","text":"<@U0PAVELPP1> has joined the channel","ts":"1.000011","event_ts":"1.000011"}`,
			want: &Event{Kind: KindMemberJoined, Channel: "C0ACMEEXT1", ChannelType: "channel", User: "U0PAVELPP1",
				Inviter: "U0ANNAAM01", TS: "1.000011"},
		},
		{
			name:  "member_joined_channel",
			inner: `{"type":"member_joined_channel","user":"U0PAVELPP1","channel":"C0ACMEEXT1","channel_type":"C","team":"T0AGENCY01","inviter":"U0ANNAAM01","event_ts":"1.000012"}`,
			want: &Event{Kind: KindMemberJoined, Channel: "C0ACMEEXT1", ChannelType: "C", User: "U0PAVELPP1",
				UserTeam: "T0AGENCY01", Inviter: "U0ANNAAM01", TS: "1.000012"},
		},
		{
			name:  "question reaction",
			inner: `{"type":"reaction_added","user":"U0ANNAAM01","reaction":"question","item_user":"U0CLIENT01","item":{"type":"message","channel":"C0ACMEEXT1","ts":"1.000001"},"event_ts":"1.000013"}`,
			want: &Event{Kind: KindReactionAdded, Channel: "C0ACMEEXT1", User: "U0ANNAAM01", Reaction: "question",
				ItemUser: "U0CLIENT01", ItemTS: "1.000001", TS: "1.000013"},
		},
		{
			name:  "mention",
			inner: `{"type":"app_mention","user":"U0CLIENT01","text":"<@U0LIAISON1> help","ts":"1.000014","channel":"C0ACMEEXT1","event_ts":"1.000014","user_team":"T0ACMECORP"}`,
			want: &Event{Kind: KindAppMention, Channel: "C0ACMEEXT1", User: "U0CLIENT01", UserTeam: "T0ACMECORP",
				Text: "<@U0LIAISON1> help", TS: "1.000014"},
		},
		{
			name:  "topic change is not content",
			inner: `{"type":"message","subtype":"channel_topic","channel":"C0ACMEEXT1","channel_type":"channel","user":"U0ANNAAM01","topic":"x","text":"set the topic","ts":"1.000015","event_ts":"1.000015"}`,
		},
		{
			name:  "reaction_removed is not used",
			inner: `{"type":"reaction_removed","user":"U0ANNAAM01","reaction":"question","item":{"type":"message","channel":"C0ACMEEXT1","ts":"1.000001"},"event_ts":"1.000016"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api, err := slackevents.ParseEvent(wrapInner(tc.inner), slackevents.OptionNoVerifyToken())
			if err != nil {
				t.Fatal(err)
			}
			cb := api.Data.(*slackevents.EventsAPICallbackEvent)
			got, ok, err := convertEvent(cb, api.InnerEvent, tc.self)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if ok {
					t.Errorf("converted %+v, want it ignored", got)
				}
				return
			}
			want := *tc.want
			want.EventID, want.TeamID, want.ExtShared = "Ev0TEST", "T0AGENCY01", true
			want.EventTime = time.Unix(1700000000, 0).UTC()
			if !ok || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestConvertActions(t *testing.T) {
	raw := `{"type":"block_actions","user":{"id":"U0ANNAAM01","team_id":"T0AGENCY01"},"team":{"id":"T0AGENCY01"},
	 "container":{"type":"message","message_ts":"1.000005","channel_id":"C0ACMEEXT1","thread_ts":"1.000001"},
	 "trigger_id":"1.T0AGENCY01.abc","response_url":"https://hooks.slack.com/actions/x",
	 "actions":[{"action_id":"take_over","block_id":"act","type":"button","value":"redirect/ACME/1","action_ts":"1.000020"},
	            {"action_id":"snooze","block_id":"act","type":"static_select","selected_option":{"value":"1d","text":{"type":"plain_text","text":"1 day"}},"action_ts":"1.000021"}]}`
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(raw), &cb); err != nil {
		t.Fatal(err)
	}
	acts := convertActions(cb)
	if len(acts) != 2 {
		t.Fatalf("actions = %+v", acts)
	}
	want := Action{ActionID: "take_over", BlockID: "act", Value: "redirect/ACME/1", UserID: "U0ANNAAM01", TeamID: "T0AGENCY01",
		ChannelID: "C0ACMEEXT1", MessageTS: "1.000005", ThreadTS: "1.000001", ResponseURL: "https://hooks.slack.com/actions/x",
		TriggerID: "1.T0AGENCY01.abc", ActionTS: "1.000020"}
	if acts[0] != want {
		t.Errorf("got  %+v\nwant %+v", acts[0], want)
	}
	if acts[1].ActionID != "snooze" || acts[1].Value != "1d" {
		t.Errorf("select = %+v", acts[1])
	}
	cb.Type = slack.InteractionTypeViewSubmission
	if got := convertActions(cb); len(got) != 0 {
		t.Errorf("view_submission converted to %+v", got)
	}
}

func TestDedupeBoundsAndExpiry(t *testing.T) {
	clk := clock.NewFake(start)
	d := newDedupe(clk, 3, time.Minute)
	for _, k := range []string{"a", "b", "c"} {
		if !d.firstTime(k) {
			t.Errorf("%s seen before", k)
		}
	}
	if d.firstTime("a") || d.firstTime("c") {
		t.Error("repeat within the TTL taken as new")
	}
	if !d.firstTime("") || !d.firstTime("") {
		t.Error("an empty key must never be deduplicated")
	}
	// A fourth key evicts the oldest.
	d.firstTime("d")
	if !d.firstTime("a") {
		t.Error("oldest key not evicted at the size bound")
	}
	clk.Advance(time.Minute)
	if !d.firstTime("d") {
		t.Error("key not forgotten after the TTL")
	}
	d.forget("d")
	if !d.firstTime("d") {
		t.Error("forget did not forget")
	}
	if len(d.byKey) != d.order.Len() || d.order.Len() > 3 {
		t.Errorf("index %d entries, list %d", len(d.byKey), d.order.Len())
	}
}
