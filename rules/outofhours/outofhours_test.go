package outofhours

import (
	"strconv"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return loc
}

// wall parses "2006-01-02 15:04" in loc, refusing wall times that do not
// exist exactly once so that a DST test cannot silently test something else.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("parsing %q: %v", s, err)
	}
	if got := v.Format("2006-01-02 15:04"); got != s {
		t.Fatalf("wall time %q does not exist in %s (got %s)", s, loc, got)
	}
	return v
}

// officeCal is a Monday-to-Friday 09:00-18:00 calendar in loc with the given holidays.
func officeCal(t testing.TB, loc *time.Location, holidays ...string) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	c := &hours.Calendar{Location: loc, Week: w}
	for _, h := range holidays {
		d, err := hours.ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	return c
}

const acmeChannel = "C0ACME0001"

func enabled() Config {
	c := DefaultConfig()
	c.Enabled = true
	return c
}

// client is a client in loc writing lang, whose AM Anna works in cal.
func client(loc *time.Location, lang connectors.Language, cal *hours.Calendar) Client {
	return Client{ID: "acme", Name: "Acme", Language: lang, Location: loc, Channels: []string{acmeChannel},
		AM: "anna", AMName: "Anna", AMSlackID: "U0ANNA0001", AMCalendar: cal, Config: enabled()}
}

// msg is a top-level client message at at.
func msg(at time.Time) Msg {
	return Msg{Channel: acmeChannel, TS: strconv.FormatInt(at.Unix(), 10) + ".000100", UserID: "U0CLIENT01",
		Side: SideClient, Text: "Hello?", Time: at}
}

func TestEvaluate(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	almaty := mustLoc(t, "Asia/Almaty")
	ny := mustLoc(t, "America/New_York")
	office := officeCal(t, kyiv)
	vacation := officeCal(t, kyiv)
	vacation.Vacations = []hours.DateRange{{From: hours.Date{Year: 2026, Month: 12, Day: 21}, To: hours.Date{Year: 2027, Month: 1, Day: 8}}}

	for _, tt := range []struct {
		name   string
		client Client
		at     time.Time
		back   time.Time // zero: no notice
		text   string
	}{
		{name: "kyiv client, friday evening", client: client(kyiv, connectors.LanguageUkrainian, office),
			at: wall(t, kyiv, "2026-11-27 19:00"), back: wall(t, kyiv, "2026-11-30 09:00"),
			text: "Дякуємо за повідомлення! Зараз у Anna неробочий час; відповімо у понеділок о 09:00."},
		{name: "almaty client, evening: tomorrow in the client's zone", client: client(almaty, connectors.LanguageRussian, office),
			at: wall(t, almaty, "2026-11-26 22:00"), back: wall(t, kyiv, "2026-11-27 09:00"),
			text: "Спасибо за сообщение! Сейчас у Anna нерабочее время; ответим завтра в 12:00."},
		{
			// 03:00 in Almaty is midnight in Kyiv: the AM's morning is
			// still today for the client.
			name: "almaty client, small hours: today", client: client(almaty, connectors.LanguageRussian, office),
			at: wall(t, almaty, "2026-11-27 03:00"), back: wall(t, kyiv, "2026-11-27 09:00"),
			text: "Спасибо за сообщение! Сейчас у Anna нерабочее время; ответим сегодня в 12:00.",
		},
		{
			// Kyiv leaves summer time on 25 October, New York only on 1
			// November: the gap shrinks from 7 to 6 hours over the weekend.
			name: "new york client, DST weekend", client: client(ny, connectors.LanguageEnglish, office),
			at: wall(t, ny, "2026-10-23 11:30"), back: wall(t, kyiv, "2026-10-26 09:00"),
			text: "Thanks for your message! Anna is outside working hours right now and will reply on Monday at 03:00.",
		},
		{name: "AM holiday on monday", client: client(kyiv, connectors.LanguageUkrainian, officeCal(t, kyiv, "2026-11-30")),
			at: wall(t, kyiv, "2026-11-27 19:00"), back: wall(t, kyiv, "2026-12-01 09:00"),
			text: "Дякуємо за повідомлення! Зараз у Anna неробочий час; відповімо у вівторок о 09:00."},
		{name: "AM on vacation over new year", client: client(ny, connectors.LanguageEnglish, vacation),
			at: wall(t, ny, "2026-12-18 12:00"), back: wall(t, kyiv, "2027-01-11 09:00"),
			text: "Thanks for your message! Anna is outside working hours right now and will reply on 11 January 2027 at 02:00."},
		{name: "AM working", client: client(kyiv, connectors.LanguageUkrainian, office), at: wall(t, kyiv, "2026-11-27 17:59")},
		{name: "AM's hours unknown", client: client(kyiv, connectors.LanguageUkrainian, nil), at: wall(t, kyiv, "2026-11-27 19:00")},
		{name: "rule off", client: func() Client {
			c := client(kyiv, connectors.LanguageUkrainian, office)
			c.Config.Enabled = false
			return c
		}(),
			at: wall(t, kyiv, "2026-11-27 19:00")},
		{name: "not the client's channel", client: func() Client { c := client(kyiv, connectors.LanguageUkrainian, office); c.Channels = nil; return c }(),
			at: wall(t, kyiv, "2026-11-27 19:00")},
		{name: "unknown language: english", client: client(kyiv, "de", office),
			at: wall(t, kyiv, "2026-11-27 19:00"), back: wall(t, kyiv, "2026-11-30 09:00"),
			text: "Thanks for your message! Anna is outside working hours right now and will reply on Monday at 09:00."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := msg(tt.at)
			n, ok := Evaluate(Input{Client: tt.client, Msg: m}, tt.at.Add(time.Second))
			if ok != !tt.back.IsZero() {
				t.Fatalf("ok = %v, want %v (notice %q)", ok, !tt.back.IsZero(), n.Text)
			}
			if !ok {
				return
			}
			want := Notice{Key: Key("acme", "anna", tt.back), ClientID: "acme", Channel: acmeChannel, ThreadTS: m.TS, Text: tt.text, Back: tt.back}
			if n.Key != want.Key || n.ClientID != want.ClientID || n.Channel != want.Channel || n.ThreadTS != want.ThreadTS ||
				n.Text != want.Text || !n.Back.Equal(want.Back) {
				t.Errorf("notice\n got %+v\nwant %+v", n, want)
			}
		})
	}
}

func TestOnePerOffPeriod(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	c := client(kyiv, connectors.LanguageEnglish, officeCal(t, kyiv))
	noticed := map[string]bool{}
	// send delivers what Evaluate asks for and records it, as the engine does.
	send := func(m Msg, now time.Time) bool {
		n, ok := Evaluate(Input{Client: c, Msg: m, Noticed: noticed}, now)
		if ok {
			noticed[n.Key] = true
		}
		return ok
	}
	friday := wall(t, kyiv, "2026-11-27 19:00")
	for _, step := range []struct {
		name string
		m    Msg
		now  time.Time
		want bool
	}{
		{"first message on friday evening", msg(friday), friday, true},
		{"the same event delivered again", msg(friday), friday.Add(time.Second), false},
		{"another message on saturday", msg(wall(t, kyiv, "2026-11-28 11:00")), wall(t, kyiv, "2026-11-28 11:00"), false},
		{"a thread reply on monday at 08:59", func() Msg {
			m := msg(wall(t, kyiv, "2026-11-30 08:59"))
			m.ThreadTS = msg(friday).TS
			return m
		}(), wall(t, kyiv, "2026-11-30 08:59"), false},
		{"monday during hours", msg(wall(t, kyiv, "2026-11-30 12:00")), wall(t, kyiv, "2026-11-30 12:00"), false},
		{"monday evening is a new off-period", msg(wall(t, kyiv, "2026-11-30 18:00")), wall(t, kyiv, "2026-11-30 18:00"), true},
		{"caught up after the AM is back", msg(wall(t, kyiv, "2026-12-02 07:00")), wall(t, kyiv, "2026-12-02 09:00"), false},
	} {
		if got := send(step.m, step.now); got != step.want {
			t.Errorf("%s: notice = %v, want %v", step.name, got, step.want)
		}
	}
	if len(noticed) != 2 {
		t.Errorf("%d notices recorded, want 2", len(noticed))
	}
}

func TestEvaluateAuthorsAndThreads(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	c := client(kyiv, connectors.LanguageEnglish, officeCal(t, kyiv))
	at := wall(t, kyiv, "2026-11-27 19:00")
	for _, side := range []Side{SideAgency, SideBot, SideUnknown} {
		m := msg(at)
		m.Side = side
		if _, ok := Evaluate(Input{Client: c, Msg: m}, at); ok {
			t.Errorf("side %d got a notice", side)
		}
	}
	m := msg(at)
	m.ThreadTS = "1700000000.000100"
	n, ok := Evaluate(Input{Client: c, Msg: m}, at)
	if !ok || n.ThreadTS != "1700000000.000100" {
		t.Errorf("thread reply: ok=%v thread %q, want the parent's thread", ok, n.ThreadTS)
	}
}

func TestTemplates(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	at := wall(t, kyiv, "2026-11-27 19:00")
	for _, tt := range []struct {
		name      string
		lang      connectors.Language
		templates map[connectors.Language]string
		want      string
	}{
		{name: "every field", lang: connectors.LanguageEnglish,
			templates: map[connectors.Language]string{connectors.LanguageEnglish: "{{.AM}}|{{.AMName}}|{{.Client}}|{{.Back}}"},
			want:      "<@U0ANNA0001>|Anna|Acme|on Monday at 09:00"},
		{name: "missing language: english text and english time", lang: connectors.LanguageRussian,
			templates: map[connectors.Language]string{connectors.LanguageEnglish: "back {{.Back}}"},
			want:      "back on Monday at 09:00"},
		{name: "broken template: built-in text", lang: connectors.LanguageRussian,
			templates: map[connectors.Language]string{connectors.LanguageRussian: "{{.Later}}", connectors.LanguageEnglish: "x"},
			want:      "Спасибо за сообщение! Сейчас у Anna нерабочее время; ответим в понедельник в 09:00."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := client(kyiv, tt.lang, officeCal(t, kyiv))
			c.Config.Templates = tt.templates
			n, ok := Evaluate(Input{Client: c, Msg: msg(at)}, at)
			if !ok || n.Text != tt.want {
				t.Errorf("ok=%v text %q, want %q", ok, n.Text, tt.want)
			}
		})
	}
}
