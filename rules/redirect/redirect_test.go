package redirect

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

func TestEvaluate(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	ny := mustLoc(t, "America/New_York")
	// 2 November 2026 is the first Monday of the month.
	at11 := wall(t, kyiv, "2026-11-02 11:00")
	parent := agencyMsg(oleh, wall(t, kyiv, "2026-11-03 09:00"), 1, "Audit is ready")

	disabled := acme(t, kyiv)
	disabled.Config.Enabled = false
	nyClient := acme(t, ny)

	for _, tt := range []struct {
		name   string
		client Client
		msg    Msg
		thread []Msg
		want   []string // specialist ids; nil means no outcome
		reason string
	}{
		{name: "mention at 11:00 on a working day", client: acme(t, kyiv),
			msg: clientMsg(at11, 1, "<@"+olehSlack+"> when is the audit ready?"), want: []string{"oleh"}, reason: ReasonMention},
		{name: "mention inside the monthly planning window", client: acme(t, kyiv),
			msg: clientMsg(wall(t, kyiv, "2026-11-02 10:30"), 1, "<@"+olehSlack+"> quick one")},
		{name: "mention at the window's start", client: acme(t, kyiv),
			msg: clientMsg(wall(t, kyiv, "2026-11-02 10:00"), 1, "<@"+olehSlack+"> quick one")},
		{name: "second monday is no planning day", client: acme(t, kyiv),
			msg: clientMsg(wall(t, kyiv, "2026-11-09 10:30"), 1, "<@"+olehSlack+"> quick one"), want: []string{"oleh"}, reason: ReasonMention},
		{name: "inside a fixed launch window", client: acme(t, kyiv),
			msg: clientMsg(wall(t, kyiv, "2026-11-10 15:59"), 1, "<@"+olehSlack+"> is it live?")},
		{name: "right after the launch window", client: acme(t, kyiv),
			msg: clientMsg(wall(t, kyiv, "2026-11-10 16:00"), 1, "<@"+olehSlack+"> is it live?"), want: []string{"oleh"}, reason: ReasonMention},
		{
			// 10:30 in New York on 2 November (EST, the day after clocks went
			// back) is 17:30 in Kyiv: the window is the client's.
			name: "window read in the client's zone after a DST change", client: nyClient,
			msg: clientMsg(wall(t, ny, "2026-11-02 10:30"), 1, "<@"+olehSlack+"> hi"),
		},
		{name: "same instant outside the window for a Kyiv client", client: acme(t, kyiv),
			msg: clientMsg(wall(t, ny, "2026-11-02 10:30"), 1, "<@"+olehSlack+"> hi"), want: []string{"oleh"}, reason: ReasonMention},
		{name: "legacy mention form with a name", client: acme(t, kyiv),
			msg: clientMsg(at11, 1, "hi <@"+mariaSlack+"|maria>"), want: []string{"maria"}, reason: ReasonMention},
		{name: "two specialists: one outcome naming both in the client's order", client: acme(t, kyiv),
			msg: clientMsg(at11, 1, "<@"+mariaSlack+"> <@"+olehSlack+"> <@"+olehSlack+">"), want: []string{"oleh", "maria"}, reason: ReasonMention},
		{name: "mentioning only the AM is what we want", client: acme(t, kyiv),
			msg: clientMsg(at11, 1, "<@"+annaSlack+"> hello")},
		{name: "mentioning someone else", client: acme(t, kyiv),
			msg: clientMsg(at11, 1, "<@U0STRANGER> hello")},
		{name: "no mention, top level", client: acme(t, kyiv), msg: clientMsg(at11, 1, "hello all")},
		{name: "agency author", client: acme(t, kyiv),
			msg: agencyMsg(anna, at11, 1, "<@"+olehSlack+"> please look")},
		{name: "bot author", client: acme(t, kyiv),
			msg: func() Msg { m := clientMsg(at11, 1, "<@"+olehSlack+">"); m.Side = SideBot; return m }()},
		{name: "unclassified author", client: acme(t, kyiv),
			msg: func() Msg { m := clientMsg(at11, 1, "<@"+olehSlack+">"); m.Side = SideUnknown; return m }()},
		{name: "not a client channel", client: acme(t, kyiv),
			msg: func() Msg { m := clientMsg(at11, 1, "<@"+olehSlack+">"); m.Channel = otherChannel; return m }()},
		{name: "rule off for the client", client: disabled, msg: clientMsg(at11, 1, "<@"+olehSlack+">")},
		{
			name: "reply where the specialist was the last agency-side writer", client: acme(t, kyiv),
			msg:    in(parent, clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "thanks, and the backlinks?")),
			thread: []Msg{parent, in(parent, clientMsg(wall(t, kyiv, "2026-11-03 10:00"), 1, "great"))},
			want:   []string{"oleh"}, reason: ReasonThread,
		},
		{
			name: "reply after the AM joined the thread", client: acme(t, kyiv),
			msg:    in(parent, clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "and the backlinks?")),
			thread: []Msg{parent, in(parent, agencyMsg(anna, wall(t, kyiv, "2026-11-03 10:00"), 1, "I'll take it from here"))},
		},
		{
			name: "the AM's later message does not count before it is written", client: acme(t, kyiv),
			msg:    in(parent, clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "and the backlinks?")),
			thread: []Msg{parent, in(parent, agencyMsg(anna, wall(t, kyiv, "2026-11-03 12:00"), 1, "on it"))},
			want:   []string{"oleh"}, reason: ReasonThread,
		},
		{
			name: "specialist identified by Slack id when the person id is missing", client: acme(t, kyiv),
			msg:    in(parent, clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "ok")),
			thread: []Msg{func() Msg { p := parent; p.PersonID = ""; return p }()},
			want:   []string{"oleh"}, reason: ReasonThread,
		},
		{
			name: "top-level message after a specialist's post is not a thread reply", client: acme(t, kyiv),
			msg: clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "ok"), thread: []Msg{parent},
		},
		{
			name: "mention and thread name each specialist once", client: acme(t, kyiv),
			msg:    in(parent, clientMsg(wall(t, kyiv, "2026-11-03 11:00"), 1, "<@"+olehSlack+"> <@"+mariaSlack+">")),
			thread: []Msg{parent},
			want:   []string{"oleh", "maria"}, reason: ReasonMention,
		},
		{
			name: "thread reply inside a window", client: acme(t, kyiv),
			msg:    in(parent, clientMsg(wall(t, kyiv, "2026-11-10 14:30"), 1, "ok")),
			thread: []Msg{parent},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.msg.Time.Add(time.Second)
			got, ok := Evaluate(Input{Client: tt.client, Msg: tt.msg, Thread: tt.thread}, now)
			if ok != (tt.want != nil) {
				t.Fatalf("ok = %v, want %v (finding %q)", ok, tt.want != nil, got.Finding.Title)
			}
			if !ok {
				return
			}
			f := got.Finding
			if want := strings.Join(tt.want, ", "); f.Fields[FieldSpecialist] != want {
				t.Errorf("specialist = %q, want %q", f.Fields[FieldSpecialist], want)
			}
			if f.Fields[FieldReason] != tt.reason {
				t.Errorf("reason = %q, want %q", f.Fields[FieldReason], tt.reason)
			}
			if len(got.SpecialistNotes) != len(tt.want) {
				t.Fatalf("%d notes, want %d", len(got.SpecialistNotes), len(tt.want))
			}
			for i, n := range got.SpecialistNotes {
				if n.PersonID != tt.want[i] {
					t.Errorf("note %d to %q, want %q", i, n.PersonID, tt.want[i])
				}
			}
			if got.Reply == nil || got.Reply.ThreadTS != tt.msg.ThreadRoot() {
				t.Errorf("reply = %+v, want one in thread %s", got.Reply, tt.msg.ThreadRoot())
			}
		})
	}
}

func TestEvaluateOutcome(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	at := wall(t, kyiv, "2026-11-02 11:00")
	msg := clientMsg(at, 7, "<@"+olehSlack+"> when is the audit ready?")
	now := at.Add(2 * time.Second)
	got, ok := Evaluate(Input{Client: acme(t, kyiv), Msg: msg}, now)
	if !ok {
		t.Fatal("no outcome")
	}
	subj := rules.Subject{Kind: rules.SubjectMessage, ID: acmeChannel + "/" + msg.TS, URL: msg.Permalink}
	key := rules.Key(RuleName, "acme", subj, "direct")
	want := Outcome{
		Finding: rules.Finding{
			Key: key, Rule: "redirect", ClientID: "acme", Subject: subj, Severity: rules.SeverityWarning,
			Title: "Acme wrote to Oleh directly",
			Fields: map[string]string{
				"client_name": "Acme", "specialist": "oleh", "specialist_name": "Oleh", "am": "anna", "am_name": "Anna",
				"text": "<@" + olehSlack + "> when is the audit ready?", "permalink": msg.Permalink,
				"channel": acmeChannel, "ts": msg.TS, "thread_ts": msg.TS, "reason": "mention",
			},
			FirstSeen: now, LastSeen: now,
		},
		Reply: &Reply{Key: key + ":reply", Channel: acmeChannel, ThreadTS: msg.TS,
			Text: "Спасибо за сообщение! Ваш аккаунт-менеджер Anna (<@U0ANNA0001>) подхватит этот вопрос и скоро ответит."},
		SpecialistNotes: []Note{{Key: key + ":note:oleh", PersonID: "oleh", UserSlackID: olehSlack, Channel: acmeChannel, ThreadTS: msg.TS,
			Text: "Anna бере повідомлення клієнта Acme на себе, відповідати не потрібно. Якщо знадобиться ваша допомога, питання надійде окремо."}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outcome\n got %+v\nwant %+v", got, want)
	}

	t.Run("redelivery and edits keep the key", func(t *testing.T) {
		again, _ := Evaluate(Input{Client: acme(t, kyiv), Msg: msg}, now.Add(time.Minute))
		edited := msg
		edited.Text = "<@" + olehSlack + "> when is the audit ready, please?"
		ed, _ := Evaluate(Input{Client: acme(t, kyiv), Msg: edited}, now.Add(time.Hour))
		if again.Finding.Key != key || ed.Finding.Key != key {
			t.Errorf("keys %s, %s; want %s", again.Finding.Key, ed.Finding.Key, key)
		}
		other, _ := Evaluate(Input{Client: acme(t, kyiv), Msg: clientMsg(at, 8, msg.Text)}, now)
		if other.Finding.Key == key {
			t.Error("another message has the same key")
		}
	})

	t.Run("switches", func(t *testing.T) {
		c := acme(t, kyiv)
		c.Config.ReplyInThread, c.Config.NotifySpecialist = false, false
		got, ok := Evaluate(Input{Client: c, Msg: msg}, now)
		if !ok || got.Reply != nil || len(got.SpecialistNotes) != 0 {
			t.Errorf("got ok=%v reply=%v notes=%v, want a finding only", ok, got.Reply, got.SpecialistNotes)
		}
	})

	t.Run("reply in a thread goes to the thread", func(t *testing.T) {
		parent := clientMsg(at.Add(-time.Hour), 1, "report question")
		reply := in(parent, msg)
		got, _ := Evaluate(Input{Client: acme(t, kyiv), Msg: reply}, now)
		if got.Reply.ThreadTS != parent.TS || got.SpecialistNotes[0].ThreadTS != parent.TS || got.Finding.Fields[FieldThreadTS] != parent.TS {
			t.Errorf("reply thread %s, note thread %s; want %s", got.Reply.ThreadTS, got.SpecialistNotes[0].ThreadTS, parent.TS)
		}
	})
}

func TestTemplates(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	msg := clientMsg(wall(t, kyiv, "2026-11-02 11:00"), 1, "<@"+olehSlack+"> <@"+mariaSlack+">")
	for _, tt := range []struct {
		name      string
		lang      connectors.Language
		templates map[connectors.Language]string
		want      string
	}{
		{name: "english", lang: connectors.LanguageEnglish,
			want: "Thanks for your message! Your account manager Anna (<@U0ANNA0001>) will pick this up and get back to you shortly."},
		{name: "ukrainian", lang: connectors.LanguageUkrainian,
			want: "Дякуємо за повідомлення! Ваш акаунт-менеджер Anna (<@U0ANNA0001>) підхопить це питання і незабаром відповість."},
		{name: "unset language falls back to english", lang: "",
			want: "Thanks for your message! Your account manager Anna (<@U0ANNA0001>) will pick this up and get back to you shortly."},
		{name: "all fields", lang: connectors.LanguageEnglish,
			templates: map[connectors.Language]string{connectors.LanguageEnglish: "{{.AM}}|{{.AMName}}|{{.Client}}|{{.Specialist}}"},
			want:      "<@U0ANNA0001>|Anna|Acme|Oleh, Maria"},
		{name: "missing language uses the configured english", lang: connectors.LanguageRussian,
			templates: map[connectors.Language]string{connectors.LanguageEnglish: "Ask {{.AMName}}"},
			want:      "Ask Anna"},
		{name: "broken template falls back to the built-in text", lang: connectors.LanguageUkrainian,
			templates: map[connectors.Language]string{connectors.LanguageUkrainian: "{{.Manager}}"},
			want:      "Дякуємо за повідомлення! Ваш акаунт-менеджер Anna (<@U0ANNA0001>) підхопить це питання і незабаром відповість."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := acme(t, kyiv)
			c.Language = tt.lang
			if tt.templates != nil {
				c.Config.Templates = tt.templates
			}
			got, ok := Evaluate(Input{Client: c, Msg: msg}, msg.Time)
			if !ok {
				t.Fatal("no outcome")
			}
			if got.Reply.Text != tt.want {
				t.Errorf("reply %q, want %q", got.Reply.Text, tt.want)
			}
		})
	}

	t.Run("each specialist's note is in their own language and names them", func(t *testing.T) {
		c := acme(t, kyiv)
		c.Config.SpecialistTemplates = map[connectors.Language]string{
			connectors.LanguageUkrainian: "uk {{.Specialist}}", connectors.LanguageEnglish: "en {{.Specialist}}", connectors.LanguageRussian: "ru",
		}
		got, _ := Evaluate(Input{Client: c, Msg: msg}, msg.Time)
		var texts []string
		for _, n := range got.SpecialistNotes {
			texts = append(texts, n.Text)
		}
		if want := []string{"uk Oleh", "en Maria"}; !reflect.DeepEqual(texts, want) {
			t.Errorf("notes %q, want %q", texts, want)
		}
	})
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("я", ExcerptRunes+50)
	for _, tt := range []struct{ in, want string }{
		{"  short  ", "short"},
		{strings.Repeat("a", ExcerptRunes), strings.Repeat("a", ExcerptRunes)},
		{long, strings.Repeat("я", ExcerptRunes) + "…"},
	} {
		if got := rules.Excerpt(tt.in, ExcerptRunes); got != tt.want {
			t.Errorf("rules.Excerpt(%d runes) = %d runes", len([]rune(tt.in)), len([]rune(got)))
		}
	}
}

func TestMentions(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"<@U1> and <@U2|bob> and <@U1>", []string{"U1", "U2"}},
		{"<#C123|general> <!here> email@x", nil},
		{"broken <@U1 and <@U2>", []string{"U2"}},
		{"unterminated <@U3", nil},
	} {
		if got := mentions(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("mentions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestEvaluateEditJudgedWhenMade: an edit that adds a specialist's mention
// is judged at the edit: inside the planning call it is fine, after it it
// is redirected, whenever the message was first posted.
func TestEvaluateEditJudgedWhenMade(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	c := acme(t, kyiv)
	// Monday 2 November, planning 10:00-11:00.
	for _, tc := range []struct {
		name           string
		posted, edited string
		want           bool
	}{
		{"posted before the call, edited during it", "2026-11-02 09:30", "2026-11-02 10:15", false},
		{"posted during the call, edited after it", "2026-11-02 10:30", "2026-11-02 11:20", true},
		{"never edited, posted during the call", "2026-11-02 10:30", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := clientMsg(wall(t, kyiv, tc.posted), 1, "<@"+olehSlack+"> a question")
			if tc.edited != "" {
				m.Edited = wall(t, kyiv, tc.edited)
			}
			_, got := Evaluate(Input{Client: c, Msg: m}, wall(t, kyiv, "2026-11-02 12:00"))
			if got != tc.want {
				t.Errorf("redirected = %v, want %v", got, tc.want)
			}
		})
	}
}
