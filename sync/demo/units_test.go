package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/demo/page"
	"github.com/liaisonhq/liaison/sync/store"
)

func TestDefaultStart(t *testing.T) {
	kyiv := mustZone("Europe/Kyiv")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 7, 30, 0, 0, kyiv) }
	for _, tc := range []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"tuesday: next monday", time.Date(2026, 12, 1, 6, 0, 0, 0, kyiv), day(2026, 12, 7)},
		{"friday: monday", time.Date(2026, 12, 4, 12, 0, 0, 0, kyiv), day(2026, 12, 7)},
		{"monday: the next one", time.Date(2026, 12, 7, 6, 0, 0, 0, kyiv), day(2026, 12, 14)},
		{"late sunday in new york is monday in kyiv: the next monday", time.Date(2026, 12, 6, 20, 0, 0, 0, mustZone("America/New_York")), day(2026, 12, 14)},
		{"summer time: 07:30 EEST", time.Date(2026, 7, 1, 12, 0, 0, 0, kyiv), day(2026, 7, 6)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DefaultStart(tc.now); !got.Equal(tc.want) {
				t.Errorf("DefaultStart(%s) = %s, want %s", tc.now, got, tc.want)
			}
		})
	}
}

func TestZoneLabel(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for zone, want := range map[string]string{
		"Europe/Kyiv": "EET", "America/New_York": "EST", "Asia/Almaty": "Almaty",
		"America/Argentina/Buenos_Aires": "Buenos Aires", "UTC": "UTC",
	} {
		if got := zoneLabel(at.In(mustZone(zone))); got != want {
			t.Errorf("zoneLabel(%s) = %q, want %q", zone, got, want)
		}
	}
}

func TestTSTime(t *testing.T) {
	for ts, want := range map[string]time.Time{
		"1796103120.000000": time.Unix(1796103120, 0).UTC(),
		"1796103120.000250": time.Unix(1796103120, 250_000).UTC(),
		"1796103120":        time.Unix(1796103120, 0).UTC(),
		"not-a-ts":          {},
	} {
		if got := tsTime(ts); !got.Equal(want) {
			t.Errorf("tsTime(%q) = %s, want %s", ts, got, want)
		}
	}
}

// sampleState is the sample agency's directory and config with no run
// behind it, for the pieces that read them.
func sampleState(t *testing.T) state {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Clock: clock.NewFake(sampleStart)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	yml, err := sb.Config("http://127.0.0.1:1", sandbox.ConfigOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Parse("sandbox.yaml", yml)
	if err != nil {
		t.Fatal(err)
	}
	return state{cfg: cfg, dir: newDirectory(cfg, sb.Scenario()), findings: map[string]rules.Finding{},
		sandboxURL: "http://127.0.0.1:1"}
}

func TestPlainText(t *testing.T) {
	s := sampleState(t)
	anna := s.cfg.Person("anna").SlackUserID
	for in, want := range map[string]string{
		"<@" + anna + "> please look":              "@Anna Melnyk please look",
		"in <#C0ACMEUA01>":                         "in #ext-acme-ua",
		"in <#C0NOTOURS1|general>":                 "in #general",
		"<!here> and <@U0NOBODY01>":                "@here and @U0NOBODY01",
		"see <http://127.0.0.1:1/browse/ACME-1|x>": "see <http://127.0.0.1:1/browse/ACME-1|x>",
	} {
		if got := s.dir.plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
	if got := s.quote("open http://127.0.0.1:1/browse/ACME-1\n1\n2\n3\n4\n5\n6\n7"); !strings.HasPrefix(got, "open "+placeholderURL+"/browse/ACME-1\n") ||
		!strings.HasSuffix(got, "\n5\n… and 2 more lines") {
		t.Errorf("quote cut or scrubbed wrongly:\n%s", got)
	}
	if got := s.addressed("<@" + anna + ">, <@U0NOBODY01> когда отчёт?"); got != " → @Anna Melnyk, @U0NOBODY01: когда отчёт?" {
		t.Errorf("addressed = %q", got)
	}
}

// TestDeferrals feeds notifications as the router leaves them and checks
// which the transcript calls deferred and why.
func TestDeferrals(t *testing.T) {
	s := sampleState(t)
	kyiv, almaty := mustZone("Europe/Kyiv"), mustZone("Asia/Almaty")
	at := func(loc *time.Location, h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, loc).UTC() }
	s.findings["deadline:a"] = rules.Finding{Key: "deadline:a", Rule: "deadline", Subject: rules.Subject{ID: "ACME-1"}}
	s.findings["redirect:b"] = rules.Finding{Key: "redirect:b", Rule: "redirect", Subject: rules.Subject{ID: "C0ACMEUA01/1.2"},
		Title: "Acme Ukraine wrote to Oleh Bondar directly"}
	s.notes = []store.Notification{
		// Before Anna's day: held until 09:00, with the redirect that joined the batch.
		{FindingKey: "deadline:a", Recipient: "anna", State: store.NotifySent, DeliveryKey: "post/anna/alert/1",
			CreatedAt: at(kyiv, 7, 30), SentAt: at(kyiv, 9, 0)},
		{FindingKey: "redirect:b", Recipient: "anna", State: store.NotifySent, DeliveryKey: "post/anna/alert/1",
			CreatedAt: at(kyiv, 7, 32), SentAt: at(kyiv, 9, 0)},
		// Inside Marat's hours, sent after the group wait: not a deferral.
		{FindingKey: "deadline:a", Recipient: "marat", State: store.NotifySent, DeliveryKey: "post/marat/alert/1",
			CreatedAt: at(almaty, 10, 30), SentAt: at(almaty, 10, 30).Add(30 * time.Second)},
		// A digest item waiting for tomorrow's digest.
		{FindingKey: "deadline:a", Recipient: "marat", State: store.NotifyPending, Digest: true,
			CreatedAt: at(almaty, 10, 30), DueAt: at(almaty, 10, 0).Add(24 * time.Hour)},
		// Done without ever being sent (resolved first): nothing to say.
		{FindingKey: "deadline:a", Recipient: "olena", State: store.NotifyDone, CreatedAt: at(kyiv, 7, 30)},
	}
	ds := s.deferrals()
	if len(ds) != 2 {
		t.Fatalf("deferrals = %+v, want Anna's batch and Marat's digest", ds)
	}
	anna, marat := ds[0], ds[1]
	if anna.key != "post/anna/alert/1" || !anna.hours || anna.count != 2 || !anna.planned.Equal(at(kyiv, 7, 30)) ||
		!anna.sent.Equal(at(kyiv, 9, 0)) || strings.Join(anna.subjects, ",") != "ACME-1,“Acme Ukraine wrote to Oleh Bondar directly”" {
		t.Errorf("Anna's deferral = %+v", anna)
	}
	if marat.hours || !marat.digest || marat.why != "the next daily digest" || !marat.sent.IsZero() {
		t.Errorf("Marat's digest = %+v", marat)
	}
	entries, counts := s.transcript()
	if counts.Deferred != 1 {
		t.Errorf("Deferred = %d, want 1 (the digest waits for its time, not for working hours)", counts.Deferred)
	}
	if !hasEntry(entries, kindDeferred, "held 2 alerts for Anna Melnyk: planned 07:30 → sent 09:00 EET (outside working hours, mon-fri 09:00-18:00)") {
		t.Errorf("no deferral entry for Anna in %+v", entries)
	}
	if !hasEntry(entries, kindDeferred, "held 1 digest item for Marat Seitkali: planned 10:30, waits until Wed 10:00 Almaty") {
		t.Errorf("no waiting digest for Marat in %+v", entries)
	}
}

func TestWriteTranscript(t *testing.T) {
	kyiv, ny := mustZone("Europe/Kyiv"), mustZone("America/New_York")
	r := Result{
		Agency: "Northwind Growth",
		Start:  time.Date(2026, 12, 1, 7, 30, 0, 0, kyiv), End: time.Date(2026, 12, 1, 19, 30, 0, 0, kyiv),
		Transcript: []page.Entry{
			{Time: time.Date(2026, 12, 1, 5, 37, 0, 0, time.UTC), Location: ny, Actor: "Dr. Sarah Miller", Kind: kindSeen,
				Text: "BrightPath Dental (Slack Connect) in #ext-brightpath: hi"},
			{Time: time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), Location: kyiv, Actor: "Liaison", Kind: kindAlert,
				Text: "DM to Anna Melnyk (account manager): 2 сповіщення\n• one\n• two"},
		},
		Summary: []page.Stat{{Label: "Alerts sent", Value: "1"}},
		Page:    "liaison-demo/index.html",
		Elapsed: 1500 * time.Millisecond,
	}
	var b strings.Builder
	if err := WriteTranscript(&b, r); err != nil {
		t.Fatal(err)
	}
	want := `Liaison demo — Northwind Growth
A simulated working day, Tue 1 Dec 2026 07:30 → 19:30 EET, played in 1.5 s with no network.
Lines are in the order things happened, timed in EET; [brackets] give the time where the person is.

07:37 EET  seen       Dr. Sarah Miller · [00:37 EST] BrightPath Dental (Slack Connect) in #ext-brightpath: hi
09:00 EET  alert      Liaison · DM to Anna Melnyk (account manager): 2 сповіщення
                        • one
                        • two

Summary: Alerts sent: 1.
The Slack conversations as they would look: liaison-demo/index.html
`
	if b.String() != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", b.String(), want)
	}
}
