package redirect

import (
	"reflect"
	"testing"
)

func TestDirectReplies(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	ask := clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "<@"+olehSlack+"> when is the audit ready?")
	plain := clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 2, "hello team")
	// The planning window of the first Monday: 2 November 10:00-11:00.
	inWin := clientMsg(wall(t, kyiv, "2026-11-02 10:15"), 1, "<@"+olehSlack+"> let's discuss")
	post := agencyMsg(oleh, wall(t, kyiv, "2026-11-03 09:00"), 1, "Audit is ready")
	olehReply := func(parent Msg, hhmm string, seq int) Msg {
		return in(parent, agencyMsg(oleh, wall(t, kyiv, "2026-11-03 "+hhmm), seq, "tomorrow"))
	}

	for _, tt := range []struct {
		name string
		msgs []Msg
		want []DirectReply
	}{
		{
			name: "specialist answers a redirected mention in its thread, twice",
			msgs: []Msg{olehReply(ask, "11:10", 1), ask, olehReply(ask, "11:20", 2)},
			want: []DirectReply{{ClientID: "acme", Specialist: "oleh", Channel: acmeChannel, TS: olehReply(ask, "11:10", 1).TS, ClientTS: ask.TS, Redirected: true}},
		},
		{
			name: "another specialist answering counts too",
			msgs: []Msg{ask, in(ask, agencyMsg(maria, wall(t, kyiv, "2026-11-03 11:05"), 1, "I can help"))},
			want: []DirectReply{{ClientID: "acme", Specialist: "maria", Channel: acmeChannel, TS: ts(wall(t, kyiv, "2026-11-03 11:05"), 1), ClientTS: ask.TS, Redirected: true}},
		},
		{
			name: "specialist answers at the top level",
			msgs: []Msg{ask, agencyMsg(oleh, wall(t, kyiv, "2026-11-03 11:30"), 1, "tomorrow")},
			want: []DirectReply{{ClientID: "acme", Specialist: "oleh", Channel: acmeChannel, TS: ts(wall(t, kyiv, "2026-11-03 11:30"), 1), ClientTS: ask.TS, Redirected: true}},
		},
		{
			name: "a later plain client message is what the specialist answers",
			msgs: []Msg{ask, plain, agencyMsg(oleh, wall(t, kyiv, "2026-11-03 11:30"), 1, "hi")},
			want: []DirectReply{{ClientID: "acme", Specialist: "oleh", Channel: acmeChannel, TS: ts(wall(t, kyiv, "2026-11-03 11:30"), 1), ClientTS: plain.TS}},
		},
		{
			name: "the AM answering is the point",
			msgs: []Msg{ask, in(ask, agencyMsg(anna, wall(t, kyiv, "2026-11-03 11:10"), 1, "on it"))},
		},
		{
			name: "a specialist answers a message addressed to nobody: counted apart, once",
			msgs: []Msg{plain, olehReply(plain, "11:10", 1), olehReply(plain, "11:12", 2)},
			want: []DirectReply{{ClientID: "acme", Specialist: "oleh", Channel: acmeChannel, TS: olehReply(plain, "11:10", 1).TS, ClientTS: plain.TS}},
		},
		{
			name: "a specialist writing before any client message answers nothing",
			msgs: []Msg{post},
		},
		{
			name: "the client wrote inside a window",
			msgs: []Msg{inWin, in(inWin, agencyMsg(oleh, wall(t, kyiv, "2026-11-03 10:00"), 1, "sure"))},
		},
		{
			name: "the specialist replied inside a window",
			msgs: []Msg{
				clientMsg(wall(t, kyiv, "2026-11-02 09:50"), 1, "<@"+olehSlack+"> see you at 10?"),
				in(clientMsg(wall(t, kyiv, "2026-11-02 09:50"), 1, ""), agencyMsg(oleh, wall(t, kyiv, "2026-11-02 10:05"), 1, "yes")),
			},
		},
		{
			name: "thread rule: the client replied where the specialist spoke",
			msgs: []Msg{post, in(post, clientMsg(wall(t, kyiv, "2026-11-03 10:00"), 1, "and backlinks?")), olehReply(post, "10:30", 1)},
			want: []DirectReply{{ClientID: "acme", Specialist: "oleh", Channel: acmeChannel, TS: olehReply(post, "10:30", 1).TS,
				ClientTS: ts(wall(t, kyiv, "2026-11-03 10:00"), 1), Redirected: true}},
		},
		{
			name: "other channels are not the client's",
			msgs: func() []Msg {
				a, r := ask, olehReply(ask, "11:10", 1)
				a.Channel, r.Channel = otherChannel, otherChannel
				return []Msg{a, r}
			}(),
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := DirectReplies(acme(t, kyiv), tt.msgs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}

	t.Run("rule off counts nothing", func(t *testing.T) {
		c := acme(t, kyiv)
		c.Config.Enabled = false
		if got := DirectReplies(c, []Msg{ask, olehReply(ask, "11:10", 1)}); got != nil {
			t.Errorf("got %+v", got)
		}
	})
}
