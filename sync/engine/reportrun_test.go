package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// fakePublisher records what would be written to Google Sheets.
type fakePublisher struct {
	calls []string // "key title-of-first-line"
	share []Share
	fail  error
	// recreated and dryRun are what every Publish reports.
	recreated, dryRun bool
}

func (f *fakePublisher) Publish(_ context.Context, key string, wb table.Workbook, share Share) (Published, error) {
	if f.fail != nil {
		return Published{}, f.fail
	}
	first := ""
	if len(wb.Tabs) > 0 && len(wb.Tabs[0].Rows) > 0 && len(wb.Tabs[0].Rows[0]) > 0 {
		first = wb.Tabs[0].Rows[0][0].Text
	}
	f.calls = append(f.calls, key+" "+first)
	f.share = append(f.share, share)
	return Published{URL: "https://docs.google.com/spreadsheets/d/" + strings.ReplaceAll(key, "/", "-"),
		Recreated: f.recreated, DryRun: f.dryRun}, nil
}

// replyRecorder is a Reconciler keeping the replies it is given.
type replyRecorder struct{ replies []deliver.Reply }

func (r *replyRecorder) Reconcile(context.Context, string, []string, []rules.Finding, time.Time) (deliver.ReconcileResult, error) {
	return deliver.ReconcileResult{}, nil
}

func (r *replyRecorder) Record(_ context.Context, _ string, _ []rules.Finding, replies []deliver.Reply, _ time.Time) (deliver.ReconcileResult, error) {
	r.replies = append(r.replies, replies...)
	return deliver.ReconcileResult{}, nil
}

// TestRunReportsSchedule walks Acme's reports across November's final
// run: refreshed once a day, final on Dec 5 (Kyiv) with one message to the
// AM, never rewritten afterwards.
func TestRunReportsSchedule(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	kyiv := env.cfg.ClientLocation("acme")
	clk := clock.NewFake(time.Date(2026, 12, 4, 10, 0, 0, 0, kyiv))
	rec := &replyRecorder{}
	e := New(func() *configs.Config { return env.cfg }, env.st, rec, clk, nil)
	pub := &fakePublisher{}
	run := func(at time.Time) []string {
		t.Helper()
		clk.Set(at)
		pub.calls, pub.share = nil, nil
		if err := e.RunReports(ctx, pub); err != nil {
			t.Fatalf("%s: %v", at, err)
		}
		var acme []string
		for _, c := range pub.calls {
			if strings.HasPrefix(c, "report/acme ") {
				acme = append(acme, strings.TrimPrefix(c, "report/acme "))
			}
		}
		return acme
	}
	got := run(time.Date(2026, 12, 4, 10, 0, 0, 0, kyiv))
	if fmt.Sprint(got) != "[Report ready: November 2026, updated Dec 4, 2026 Report ready: December 2026, updated Dec 4, 2026]" {
		t.Errorf("Dec 4: %q", got)
	}
	if got := run(time.Date(2026, 12, 4, 18, 0, 0, 0, kyiv)); len(got) != 0 {
		t.Errorf("second run on Dec 4 published again: %q", got)
	}
	if len(rec.replies) != 0 {
		t.Errorf("messages before the final run: %+v", rec.replies)
	}
	got = run(time.Date(2026, 12, 5, 0, 10, 0, 0, kyiv))
	if fmt.Sprint(got) != "[Report ready: November 2026, final Report ready: December 2026, updated Dec 5, 2026]" {
		t.Errorf("Dec 5: %q", got)
	}
	var acme []deliver.Reply
	for _, r := range rec.replies {
		if strings.HasPrefix(r.Key, "report-ready/acme/") {
			acme = append(acme, r)
		}
	}
	if len(acme) != 1 || acme[0].Person != "anna" || !strings.Contains(acme[0].Text, "*Acme* for November 2026 is final") ||
		!strings.Contains(acme[0].Text, "https://docs.google.com/spreadsheets/d/report-acme") {
		t.Errorf("report ready messages: %+v", rec.replies)
	}
	if got := run(time.Date(2026, 12, 6, 9, 0, 0, 0, kyiv)); fmt.Sprint(got) != "[Report ready: December 2026, updated Dec 6, 2026]" {
		t.Errorf("Dec 6: %q", got)
	}
	for i, s := range pub.share {
		if !strings.HasPrefix(pub.calls[i], "report/acme ") {
			continue
		}
		if fmt.Sprint(s.Readers) != "[petro@acme.example]" || fmt.Sprint(s.Writers) != "[anna@n.example]" {
			t.Errorf("shared with %+v", s)
		}
	}
	// A failing publisher is an error naming the client, and the day is
	// tried again on the next run.
	clk.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, kyiv))
	if err := e.RunReports(ctx, &fakePublisher{fail: errors.New("quota")}); err == nil || !strings.Contains(err.Error(), "report of acme") {
		t.Errorf("failing publisher: %v", err)
	}
	if got := run(time.Date(2026, 12, 7, 9, 5, 0, 0, kyiv)); len(got) != 1 {
		t.Errorf("retry after a failure published %q", got)
	}
	if err := e.RunReports(ctx, nil); !errors.Is(err, ErrNoPublisher) {
		t.Errorf("no publisher: %v", err)
	}
}

// TestRunInvoicesReady: the previous month is published and recorded as
// invoiced on the fifth, with one message per finance person; then the
// current month is published and nobody is told again.
func TestRunInvoicesReady(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	kyiv := env.cfg.ClientLocation("acme")
	clk := clock.NewFake(time.Date(2026, 12, 5, 9, 0, 0, 0, kyiv))
	rec := &replyRecorder{}
	e := New(func() *configs.Config { return env.cfg }, env.st, rec, clk, nil)
	pub := &fakePublisher{}
	if err := e.RunInvoices(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if len(rec.replies) != 1 || rec.replies[0].Person != "fin" || !strings.Contains(rec.replies[0].Text, "2026-11") {
		t.Errorf("ready messages: %+v", rec.replies)
	}
	if _, ok, _ := e.invoiced(ctx, "2026-11"); !ok {
		t.Error("November not recorded as invoiced")
	}
	if err := e.RunInvoices(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if len(rec.replies) != 1 {
		t.Errorf("finance told twice: %+v", rec.replies)
	}
	if fmt.Sprint(pub.share[0].Writers) != "[]" && fmt.Sprint(pub.share[0].Writers) != "[fin@n.example]" {
		t.Errorf("shared with %+v", pub.share[0])
	}
}

// TestReportReadyInClientChannel: with report.post_to_client_channel the
// final run also tells the client's channel, in the client's language.
func TestReportReadyInClientChannel(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	c := env.cfg.Client("acme")
	c.Report.PostToClientChannel, c.SlackChannels, c.Language = true, []string{"C0ACME0001"}, "uk"
	rec := &replyRecorder{}
	e := New(func() *configs.Config { return env.cfg }, env.st, rec, clock.NewFake(reportNow), nil)
	nov, _ := report.ParsePeriod("2026-11")
	if _, err := e.PublishReport(ctx, "acme", nov, report.Final, &fakePublisher{}, reportNow); err != nil {
		t.Fatal(err)
	}
	if len(rec.replies) != 2 || rec.replies[1].Channel != "C0ACME0001" ||
		rec.replies[1].Text != "Ваш звіт за листопад 2026 готовий: <https://docs.google.com/spreadsheets/d/report-acme|відкрити таблицю>." {
		t.Errorf("replies %+v", rec.replies)
	}
}

// TestReportRunTellsTheAM covers what the AM must hear besides "report
// ready": a spreadsheet someone deleted is made anew and its new link sent;
// Drive refusing to store files says what to configure, once a day; a dry
// run neither marks the period final nor says it is ready.
func TestReportRunTellsTheAM(t *testing.T) {
	ctx := context.Background()
	nov, _ := report.ParsePeriod("2026-11")
	t.Run("recreated", func(t *testing.T) {
		env := newReportEnv(t)
		rec := &replyRecorder{}
		e := New(func() *configs.Config { return env.cfg }, env.st, rec, clock.NewFake(reportNow), nil)
		if _, err := e.PublishReport(ctx, "acme", nov, report.Refresh, &fakePublisher{recreated: true}, reportNow); err != nil {
			t.Fatal(err)
		}
		if len(rec.replies) != 1 || rec.replies[0].Person != "anna" ||
			!strings.Contains(rec.replies[0].Text, "<https://docs.google.com/spreadsheets/d/report-acme|") {
			t.Errorf("replies %+v, want one to anna with the new link", rec.replies)
		}
	})
	t.Run("no storage", func(t *testing.T) {
		env := newReportEnv(t)
		rec := &replyRecorder{}
		e := New(func() *configs.Config { return env.cfg }, env.st, rec, clock.NewFake(reportNow), nil)
		pub := &fakePublisher{fail: fmt.Errorf("%w: 403 storageQuotaExceeded", ErrNoStorage)}
		_, err := e.PublishReport(ctx, "acme", nov, report.Refresh, pub, reportNow)
		if !errors.Is(err, ErrNoStorage) {
			t.Fatalf("error %v, want ErrNoStorage", err)
		}
		if len(rec.replies) != 1 || !strings.Contains(rec.replies[0].Text, "connections.google.drive.shared_drive_id") ||
			!strings.HasPrefix(rec.replies[0].Key, "report-no-storage/anna/") {
			t.Errorf("replies %+v, want one to anna naming shared_drive_id, keyed per day", rec.replies)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		env := newReportEnv(t)
		rec := &replyRecorder{}
		e := New(func() *configs.Config { return env.cfg }, env.st, rec, clock.NewFake(reportNow), nil)
		if _, err := e.PublishReport(ctx, "acme", nov, report.Final, &fakePublisher{dryRun: true}, reportNow); err != nil {
			t.Fatal(err)
		}
		if len(rec.replies) != 0 {
			t.Errorf("a dry run queued %+v", rec.replies)
		}
		if _, err := e.ReportPlan(ctx, "acme", nov, reportNow.Add(24*time.Hour), false); errors.Is(err, report.ErrFinalised) {
			t.Error("a dry run marked the period final")
		}
	})
}
