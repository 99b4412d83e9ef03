package demo

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/sync/demo/page"
)

// sampleStart is a Tuesday, 07:30 in Kyiv: Anna (Kyiv, 09:00-18:00) is not
// at work yet, Marat (Almaty, 10:00-19:00) is.
var sampleStart = time.Date(2026, 11, 30, 5, 30, 0, 0, time.UTC) // Monday 07:30 in Kyiv

// runSample plays the sample day into a temporary directory and checks it
// stays well inside the demo's 30 s promise (60 s here: the machine is shared).
func runSample(t *testing.T) Result {
	t.Helper()
	res, err := Run(context.Background(), Options{Out: t.TempDir(), Start: sampleStart})
	if err != nil {
		t.Fatalf("demo run: %v", err)
	}
	t.Logf("the simulated day took %v of wall time", res.Elapsed)
	if res.Elapsed > 60*time.Second && !raceEnabled {
		t.Errorf("the demo took %v; it must finish in well under 30 s", res.Elapsed)
	}
	return res
}

func TestSampleDay(t *testing.T) {
	res := runSample(t)
	var text strings.Builder
	if err := WriteTranscript(&text, res); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	t.Logf("transcript:\n%s", out)

	for i := 1; i < len(res.Transcript); i++ {
		if res.Transcript[i].Time.Before(res.Transcript[i-1].Time) {
			t.Errorf("entry %d (%s) comes before entry %d (%s)", i, res.Transcript[i].Time, i-1, res.Transcript[i-1].Time)
		}
	}
	// What the "done when" names, each as the transcript must say it.
	checks := []struct {
		name string
		kind string
		has  []string
	}{
		{"overdue alert", kindAlert, []string{"DM to Anna Melnyk", "ACME-1 «Fix crawl errors on the product catalogue»: прострочено на"}},
		{"due-soon alert", kindAlert, []string{"DM to Marat Seitkali", "STEP-2 «Keyword map for the Almaty landing pages»: срок"}},
		{"deferred delivery", kindDeferred, []string{"for Anna Melnyk", "planned 07:30 → sent 09:00 EET", "outside working hours"}},
		{"no-due-date digest", kindDigest, []string{"DM to Anna Melnyk", "ACME-4 «Audit Google Ads account structure»: у роботі без терміну"}},
		{"client message seen", kindSeen, []string{"Acme Ukraine (Slack Connect) in #ext-acme-ua → @Oleh Bondar"}},
		{"redirect to the account manager", kindRedirect, []string{"replied to Petro Savchenko", "Anna Melnyk"}},
		{"exception window respected", kindWindow, []string{"left alone", "campaign launch call"}},
		{"unanswered client", kindAlert, []string{"DM to Marat Seitkali", "Steppe Foods ждёт ответа"}},
		{"workload alert to the head", kindAlert, []string{"DM to Olena Kovalenko", "Перевантаження: Iryna Shevchuk"}},
		{"head's weekly digest", kindAlert, []string{"DM to Olena Kovalenko", "Завантаження · тиждень"}},
		{"anomaly alert: a campaign stopped serving", kindAlert, []string{"DM to Anna Melnyk", ":rotating_light: Кампанія", "перестала показуватися (акаунт Google Ads «Acme Ukraine»)"}},
		{"FAQ suggestion for a repeated question", kindSuggestion, []string{"only Anna Melnyk (account manager) sees this", "report-when"}},
		{"the AM posts the suggested answer and the base learns", kindSuggestion, []string{"clicked “Post answer”",
			"Відповідь надіслано в тред клієнта. Це формулювання запам'ятовано для report-when"}},
		{"the answer in the client's thread", kindSuggestion, []string{"posted the answer the AM chose, in the thread of Petro Savchenko", "— Anna Melnyk, ваш акаунт-менеджер"}},
		{"report written and shared", "report", []string{"«Acme Ukraine — звіт» written to Google Sheets", "shared with petro@acme.example (reader, invited by email), anna@northwind.example (writer)", "/spreadsheets/d/"}},
		{"invoice data written", "report", []string{"дані для рахунків» written to Google Sheets", "finance@northwind.example (writer)"}},
		{"final runs in the clients' spreadsheets", "report", []string{"final runs: each client's previous period written to a tab of its own"}},
		{"report ready to the AM", "ready", []string{"DM to Anna Melnyk, held for their working hours until Tue 09:00 EET",
			"Звіт для *Acme Ukraine* за ", "готовий (остаточний)", "/spreadsheets/d/"}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !hasEntry(res.Transcript, c.kind, c.has...) {
				t.Errorf("no %q entry with %q", c.kind, c.has)
			}
		})
	}
	// Each client report's commentary, in the client's language.
	for _, has := range [][]string{
		{"commentary on «Acme Ukraine — звіт»", "Google Ads (по 29.11.2026, попередній період — за ті самі дні): ", "Роботи за період: виконано — 0\u00a0завдань", "Ще не остаточні: дані Search Console за 3\u00a0дні"},
		{"commentary on «Steppe Foods — отчёт»", "Работы за период: выполнено — 0\u00a0задач", "в работе ещё 1\u00a0задача"},
		{"commentary on «BrightPath Dental — report»", "Work done in the period: 1\u00a0task resolved"},
	} {
		if !hasEntry(res.Transcript, "report", has...) {
			t.Errorf("no report commentary entry with %q", has)
		}
	}
	// The report page shows the same commentary under Report ready.
	if html, err := os.ReadFile(filepath.Join(filepath.Dir(res.Page), "report-acme-ua.html")); err != nil {
		t.Error(err)
	} else if !strings.Contains(string(html), "Роботи за період: виконано — 0\u00a0завдань") {
		t.Error("the report page of acme-ua shows no commentary")
	}
	if res.Counts.ClientMessages != 5 {
		t.Errorf("client messages seen = %d, want the sample's 5", res.Counts.ClientMessages)
	}
	if res.Counts.Suggestions < 1 || res.Counts.Answers != res.Counts.Suggestions {
		t.Errorf("counts = %+v; want every suggestion posted by its AM", res.Counts)
	}
	if res.Counts.Deferred < 1 || res.Counts.Alerts < 2 || res.Counts.Redirects < 1 {
		t.Errorf("counts = %+v; want alerts, a deferral and a redirect", res.Counts)
	}
	// The 00:37 message from New York is shown at the client's own time.
	if !strings.Contains(out, "16:30 EET  seen       Dr. Sarah Miller · [09:30 EST]") {
		t.Errorf("Sarah's message is not shown with her local time")
	}
	if !strings.Contains(out, "Summary: Client messages seen: 5 · Alerts sent: ") {
		t.Errorf("no summary line")
	}
}

func hasEntry(es []page.Entry, kind string, substrs ...string) bool {
	for _, e := range es {
		if e.Kind != kind {
			continue
		}
		ok := true
		for _, s := range substrs {
			ok = ok && strings.Contains(e.Text, s)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestSamplePage checks index.html as a document: it parses, has a
// conversation per account manager and per client channel, and shows the
// alerts and the redirect as Slack would.
func TestSamplePage(t *testing.T) {
	res := runSample(t)
	raw, err := os.ReadFile(res.Page)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Page) != "index.html" {
		t.Errorf("page written to %s, want index.html", res.Page)
	}
	text, titles := htmlText(t, string(raw))
	for _, want := range []string{
		"Liaison demo — a working day at Northwind Growth",
		"Anna Melnyk", "Marat Seitkali", "ext-acme-ua", "ext-steppe-foods", "ext-brightpath",
		"ACME-1 «Fix crawl errors on the product catalogue»: прострочено на", "STEP-2 «Keyword map for the Almaty landing pages»: срок", "Підтвердити", // the Ukrainian alert's button
		"deferred: 07:30 → 09:00", "redirect",
		"Дякуємо за повідомлення!", // the redirect's reply in Petro's thread
		"Only visible to you",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page does not show %q", want)
		}
	}
	if strings.Contains(string(raw), "<script") {
		t.Error("page has a script; it must be static")
	}
	if len(titles) == 0 {
		t.Error("page has no <title>")
	}
}

// htmlText parses the page leniently (the renderer closes every element, so
// a parse failure is a finding) and returns its text and <title>s.
func htmlText(t *testing.T, doc string) (string, []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var b strings.Builder
	var titles []string
	inTitle := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("parsing index.html: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inTitle = tok.Name.Local == "title"
		case xml.CharData:
			if inTitle {
				titles = append(titles, string(tok))
			}
			b.Write(tok)
			b.WriteByte(' ')
		case xml.EndElement:
			inTitle = false
		}
	}
	return b.String(), titles
}

// TestDeterministic runs the day twice from the same start: the two
// transcripts and pages must be the same, so that the README can show one.
func TestDeterministic(t *testing.T) {
	a, b := runSample(t), runSample(t)
	if !reflect.DeepEqual(a.Transcript, b.Transcript) {
		var x, y strings.Builder
		_ = WriteTranscript(&x, a)
		_ = WriteTranscript(&y, b)
		t.Errorf("two runs differ:\n%s\n---\n%s", x.String(), y.String())
	}
	if a.Counts != b.Counts {
		t.Errorf("counts differ: %+v vs %+v", a.Counts, b.Counts)
	}
	pa, err := os.ReadFile(a.Page)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := os.ReadFile(b.Page)
	if err != nil {
		t.Fatal(err)
	}
	if string(pa) != string(pb) {
		t.Error("the two pages differ")
	}
}

func TestRunHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Options{Out: t.TempDir(), Start: sampleStart})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context = %v, want context.Canceled", err)
	}
}
