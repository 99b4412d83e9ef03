package deliver

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// renderNow is when the golden messages are composed: Monday 5 Oct 2026,
// 10:00 in Kyiv.
func renderNow(t testing.TB) time.Time { return time.Date(2026, 10, 5, 10, 0, 0, 0, Kyiv(t)) }

// renderViews is one of everything a message can show: a finding of a rule
// without its own copy (a critical one, with markup in its title), a client
// waiting for a reply (a reminder that was acknowledged), an escalated
// overdue task (snoozed), a task due tomorrow, a client writing to two
// specialists, a resolved finding, and one too many.
func renderViews(t *testing.T) []view {
	loc := Kyiv(t)
	first := time.Date(2026, 10, 5, 9, 15, 0, 0, loc)
	crit := MakeFinding("deadline", "acme", "ACME-1", rules.SeverityCritical)
	crit.Title = "Landing page <draft> & copy overdue"
	crit.FirstSeen = first
	msg := rules.Finding{Key: "response:1", Rule: "response", ClientID: "acme", Severity: rules.SeverityWarning,
		Subject: rules.Subject{Kind: rules.SubjectMessage, ID: "C0ACMEEXT1/1791183600.000100",
			URL: "https://agency.slack.com/archives/C0ACMEEXT1/p1791183600000100"},
		Title: "Acme is waiting for a reply", FirstSeen: first,
		Fields: map[string]string{"client_name": "Acme", "am": "anna", "am_name": "Anna", "waited": "2h 15m",
			"since": "2026-10-05T05:40:00Z", "text": "Hi! When will the Q3 report & invoice be ready?\nThanks",
			"permalink": "https://agency.slack.com/archives/C0ACMEEXT1/p1791183600000100", "channel": "C0ACMEEXT1",
			"ts": "1791183600.000100", "messages": "2"}}
	overdue := deadlineFinding("ACME-2", "overdue", "2026-10-01", rules.SeverityCritical,
		map[string]string{"days_overdue": "4", "working_days_overdue": "2", "escalated": "true"})
	overdue.FirstSeen = first
	soon := deadlineFinding("ACME-5", "due_soon", "2026-10-06", rules.SeverityWarning,
		map[string]string{"working_days_left": "1"})
	soon.FirstSeen = first
	direct := redirectFinding("sergey, pavel", "Sergey, Pavel", "<@"+slackfake.SEOUserID+"> <@"+slackfake.PPCUserID+"> can we move the call?")
	direct.FirstSeen = first
	resolved := deadlineFinding("ACME-3", "no_due_date", "", rules.SeverityInfo, nil)
	resolved.FirstSeen, resolved.ResolvedAt = first, first.Add(3*time.Hour)
	extra := MakeFinding("deadline", "acme", "ACME-4", rules.SeverityInfo)
	return []view{
		{f: crit, reason: reasonNew, clientName: "Acme"},
		{f: msg, reason: reasonRepeat, clientName: "Acme", ackedBy: "U0ANNAAM01"},
		{f: overdue, reason: reasonEscalation, clientName: "Acme", snoozedUntil: first.Add(24 * time.Hour),
			escalations: []escalationState{{recipient: "helen", at: time.Date(2026, 10, 6, 9, 0, 0, 0, loc)}}},
		{f: soon, reason: reasonNew, clientName: "Acme"},
		{f: direct, reason: reasonNew, clientName: "Acme"},
		{f: resolved, reason: reasonNew, clientName: "Acme"},
		{f: extra, reason: reasonNew, clientName: "Acme"},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, lang := range connectors.Languages() {
		t.Run(string(lang), func(t *testing.T) {
			r := rendering{cat: catalogFor(lang), loc: Kyiv(t), now: renderNow(t), people: Agency(t), max: 6}
			text, blocks, err := renderAlert(r, renderViews(t))
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, blocks, "", "  "); err != nil {
				t.Fatal(err)
			}
			golden(t, "alert_"+string(lang)+".json", pretty.Bytes())
			golden(t, "alert_"+string(lang)+".txt", []byte(text+"\n"))
			if n := strings.Count(string(blocks), `"type":"header"`); n != 1 {
				t.Errorf("%d headers", n)
			}
		})
	}
}

func TestRenderDigestAndNote(t *testing.T) {
	r := rendering{cat: catalogFor(connectors.LanguageUkrainian), loc: Kyiv(t), digest: true, max: 10}
	text, _, err := renderAlert(r, renderViews(t)[:1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "Щоденне зведення · Acme\n") {
		t.Errorf("digest text = %q", text)
	}
	note := renderNote(rendering{cat: catalogFor(connectors.LanguageRussian)}, renderViews(t)[0].f, noteResolved)
	if note != ":white_check_mark: Решено: Landing page &lt;draft&gt; &amp; copy overdue" {
		t.Errorf("note = %q", note)
	}
}

func TestPlurals(t *testing.T) {
	for _, tc := range []struct {
		lang connectors.Language
		n    int
		want string
	}{
		{connectors.LanguageEnglish, 1, "1 alert"}, {connectors.LanguageEnglish, 2, "2 alerts"},
		{connectors.LanguageRussian, 1, "1 оповещение"}, {connectors.LanguageRussian, 3, "3 оповещения"},
		{connectors.LanguageRussian, 11, "11 оповещений"}, {connectors.LanguageRussian, 21, "21 оповещение"},
		{connectors.LanguageRussian, 25, "25 оповещений"}, {connectors.LanguageRussian, 112, "112 оповещений"},
		{connectors.LanguageUkrainian, 1, "1 сповіщення"}, {connectors.LanguageUkrainian, 4, "4 сповіщення"},
		{connectors.LanguageUkrainian, 5, "5 сповіщень"}, {connectors.LanguageUkrainian, 22, "22 сповіщення"},
	} {
		if got := catalogFor(tc.lang).alerts(tc.n); got != tc.want {
			t.Errorf("%s %d = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestLocaleFor(t *testing.T) {
	dir := Agency(t)
	dir.Clients["acme"].Language = connectors.LanguageRussian
	for _, tc := range []struct{ recipient, want string }{
		{"sergey", "Підтвердити"},             // the person's own language
		{"channel:C0TEAM0001", "Подтвердить"}, // a channel: the client's
	} {
		cat, _ := localeFor(dir, tc.recipient, "acme")
		if cat.acknowledge != tc.want {
			t.Errorf("%s: %q, want %q", tc.recipient, cat.acknowledge, tc.want)
		}
	}
	if cat, _ := localeFor(dir, "channel:C0TEAM0001", "unknown"); cat.acknowledge != "Acknowledge" {
		t.Errorf("no client: %q, want the agency's English", cat.acknowledge)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sync/deliver -run TestRenderGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}
