package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/rules/invoice"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/crashpoint"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// reportReadyRule names the "report ready" messages in the outbox.
const reportReadyRule = "reports"

// refreshKey remembers the client date a client's reports were last
// refreshed, so the daily refresh happens once a day however often the
// engine runs.
func refreshKey(clientID string) string { return "report-refresh/" + clientID }

// RunReports is the reports' daily schedule at the engine's now. For each
// client, once a day in the client's zone: the previous period until its
// final run is done, and the current period, are built and published
// through pub. A period whose final run is due is marked final once
// published, and a "report ready" message is queued to the client's AM
// (and to the client's first channel with report.post_to_client_channel).
// One client's failure never stops the others.
func (e *Engine) RunReports(ctx context.Context, pub Publisher) error {
	if pub == nil {
		return ErrNoPublisher
	}
	cfg := e.cfg()
	now := e.clock.Now()
	var errs []error
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		if err := e.runClientReports(ctx, cfg, c, pub, now); err != nil {
			errs = append(errs, fmt.Errorf("report of %s: %w", c.ID, err))
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) runClientReports(ctx context.Context, cfg *configs.Config, c *configs.Client, pub Publisher, now time.Time) error {
	sched := ReportSchedule(cfg, c)
	today := hours.DateOf(now.In(sched.Location)).String()
	if s, err := e.st.GetReportState(ctx, refreshKey(c.ID)); err == nil && s.Hash == today {
		return nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("loading refresh state: %w", err)
	}
	var finalErr error
	finalised := func(p report.Period) bool {
		_, err := e.ReportPlan(ctx, c.ID, p, now, false)
		if err != nil && !errors.Is(err, report.ErrFinalised) && finalErr == nil {
			finalErr = err
		}
		return errors.Is(err, report.ErrFinalised)
	}
	for _, p := range sched.Due(now, finalised) {
		action, err := e.ReportPlan(ctx, c.ID, p, now, false)
		if err != nil {
			return err
		}
		if _, err := e.PublishReport(ctx, c.ID, p, action, pub, now); err != nil {
			return err
		}
	}
	if finalErr != nil {
		return finalErr
	}
	_, err := e.st.PutReportState(ctx, store.ReportState{Key: refreshKey(c.ID), Hash: today, Data: json.RawMessage(`{}`)})
	return err
}

// PublishReport builds the client's report for p, publishes it, and for a
// final run marks the period final and queues the "report ready"
// messages. It returns the spreadsheet's URL. `liaison report` calls it
// too, so a manual run and the schedule do the same.
func (e *Engine) PublishReport(ctx context.Context, clientID string, p report.Period, action report.Action, pub Publisher, now time.Time) (string, error) {
	cfg := e.cfg()
	c := cfg.Client(clientID)
	if c == nil {
		return "", fmt.Errorf("%w %q", ErrUnknownClient, clientID)
	}
	wb, err := e.ClientReport(ctx, clientID, p, now)
	if err != nil {
		return "", err
	}
	// One spreadsheet per client: the current period fills its main tabs,
	// and an earlier period (the one whose final run this is, or a past
	// one asked for by hand) its own tab, so the link in "report ready"
	// opens that period's final figures whatever the current one does.
	wb.Partial = true
	if p != ReportSchedule(cfg, c).Current(now) {
		wb = report.PeriodTab(c.Language, p, wb)
	}
	share := ReportShare(cfg, c)
	pubd, err := pub.Publish(ctx, "report/"+c.ID, wb, share)
	if err != nil {
		if errors.Is(err, ErrNoStorage) {
			if qerr := e.tellNoStorage(ctx, cfg, c, now); qerr != nil {
				err = errors.Join(err, qerr)
			}
		}
		return "", fmt.Errorf("publishing %s: %w", p, err)
	}
	url := pubd.URL
	e.log.Debug("report published", "client", c.ID, "period", p.String(), "action", action.String())
	if pubd.Recreated {
		if err := e.tellRecreated(ctx, cfg, c, url, now); err != nil {
			return url, err
		}
	}
	if pubd.DryRun || action != report.Final {
		return url, nil
	}
	// Queued before the period is marked final: if marking fails, the
	// next run repeats the final run and the outbox keys keep the
	// messages single.
	readyKey := "report-ready/" + c.ID + "/" + p.String()
	var replies []deliver.Reply
	if am := cfg.Person(c.AccountManager); am != nil {
		replies = append(replies, inWorkingHours(cfg, deliver.Reply{Key: readyKey, Person: am.ID,
			Text: report.ReadyForAM(am.Language, c.Name, p, url)}, now))
	}
	if c.Report.PostToClientChannel && len(c.SlackChannels) > 0 {
		replies = append(replies, deliver.Reply{Key: "report-ready/" + c.ID + "/" + p.String() + "/client",
			Channel: c.SlackChannels[0], Text: report.ReadyForClient(c.Language, p, url)})
	}
	crashpoint.At(crashpoint.ReportReady, crashpoint.BeforeQueue, readyKey)
	if len(replies) > 0 && e.rec != nil {
		if _, err := e.rec.Record(ctx, reportReadyRule, nil, replies, now); err != nil {
			return url, fmt.Errorf("queueing the report ready message: %w", err)
		}
	}
	crashpoint.At(crashpoint.ReportReady, crashpoint.AfterQueue, readyKey)
	if err := e.MarkReportFinal(ctx, c.ID, p, now); err != nil {
		return url, err
	}
	crashpoint.At(crashpoint.ReportReady, crashpoint.AfterMark, readyKey)
	return url, nil
}

// inWorkingHours holds a message to a person until their next working
// moment: AMs and finance hear from Liaison only while they work.
func inWorkingHours(cfg *configs.Config, r deliver.Reply, now time.Time) deliver.Reply {
	if cal := cfg.Calendar(r.Person); cal != nil {
		if next, ok := cal.NextWorking(now); ok && next.After(now) {
			r.NotBefore = next
		}
	}
	return r
}

// tellRecreated tells the client's AM that the report spreadsheet, which
// someone deleted or trashed, was made anew, with its new link: the link
// the client had no longer works.
func (e *Engine) tellRecreated(ctx context.Context, cfg *configs.Config, c *configs.Client, url string, now time.Time) error {
	am := cfg.Person(c.AccountManager)
	if am == nil || e.rec == nil {
		return nil
	}
	r := inWorkingHours(cfg, deliver.Reply{Key: "report-recreated/" + c.ID + "/" + url, Person: am.ID,
		Text: report.RecreatedForAM(am.Language, c.Name, url)}, now)
	if _, err := e.rec.Record(ctx, reportReadyRule, nil, []deliver.Reply{r}, now); err != nil {
		return fmt.Errorf("queueing the recreated-report message: %w", err)
	}
	return nil
}

// tellNoStorage tells the client's AM, once a day, that reports cannot be
// created in Google Drive and what the agency must configure; the same
// message goes to the log with the error.
func (e *Engine) tellNoStorage(ctx context.Context, cfg *configs.Config, c *configs.Client, now time.Time) error {
	am := cfg.Person(c.AccountManager)
	if am == nil || e.rec == nil {
		return nil
	}
	day := now.UTC().Format(time.DateOnly)
	if loc, err := time.LoadLocation(am.Timezone); err == nil {
		day = now.In(loc).Format(time.DateOnly)
	}
	r := inWorkingHours(cfg, deliver.Reply{Key: "report-no-storage/" + am.ID + "/" + day, Person: am.ID,
		Text: report.NoStorageForAM(am.Language)}, now)
	if _, err := e.rec.Record(ctx, reportReadyRule, nil, []deliver.Reply{r}, now); err != nil {
		return fmt.Errorf("queueing the no-storage message: %w", err)
	}
	return nil
}

// RunInvoices publishes the finance workbook at the engine's now: the
// current month (in the agency's zone) as it stands, and the previous
// month until it is recorded as invoiced, which happens once it has
// closed and DefaultFinalRunDay days have passed (late worklogs); then
// finance is told it is ready.
func (e *Engine) RunInvoices(ctx context.Context, pub Publisher) error {
	if pub == nil {
		return ErrNoPublisher
	}
	cfg := e.cfg()
	now := e.clock.Now()
	lang, loc := cfg.AgencyLocale()
	cur := report.PeriodOf(connectors.PeriodMonthly, hours.DateOf(now.In(loc)))
	prev := cur.Previous()
	_, invoiced, err := e.invoiced(ctx, prev.String())
	if err != nil {
		return err
	}
	month := cur.String()
	due := !invoiced && !now.Before(prev.To.AddDays(configs.DefaultFinalRunDay).Start(loc))
	if due {
		month = prev.String()
	}
	wb, err := e.Invoices(ctx, month, now)
	if err != nil {
		return err
	}
	var finance []*connectors.Person
	for i := range cfg.People {
		if p := &cfg.People[i]; p.Role == connectors.RoleFinance {
			finance = append(finance, p)
		}
	}
	pubd, err := pub.Publish(ctx, "invoices", wb, InvoicesShare(cfg))
	if err != nil {
		return fmt.Errorf("publishing invoice data: %w", err)
	}
	if !due || pubd.DryRun {
		return nil
	}
	url := pubd.URL
	var replies []deliver.Reply
	for _, p := range finance {
		l := p.Language
		if l == "" {
			l = lang
		}
		replies = append(replies, inWorkingHours(cfg, deliver.Reply{Key: "invoices-ready/" + month + "/" + p.ID, Person: p.ID,
			Text: invoice.ReadyForFinance(l, month, url)}, now))
	}
	if len(replies) > 0 && e.rec != nil {
		if _, err := e.rec.Record(ctx, reportReadyRule, nil, replies, now); err != nil {
			return fmt.Errorf("queueing the invoice ready message: %w", err)
		}
	}
	_, err = e.RecordInvoiced(ctx, month, now)
	return err
}

// RunOps records this week's workload figures in the ops sheet and
// publishes it, shared with the heads of accounts.
func (e *Engine) RunOps(ctx context.Context, pub Publisher) error {
	if pub == nil {
		return ErrNoPublisher
	}
	cfg := e.cfg()
	wb, err := e.OpsSheet(ctx, e.clock.Now(), true)
	if err != nil {
		return err
	}
	if _, err := pub.Publish(ctx, "ops", wb, OpsShare(cfg)); err != nil {
		return fmt.Errorf("publishing the ops sheet: %w", err)
	}
	return nil
}

// emails returns the addresses of the people with ids that have one.
func emails(cfg *configs.Config, ids ...string) []string {
	var out []string
	for _, id := range ids {
		if p := cfg.Person(id); p != nil && strings.TrimSpace(p.Email) != "" {
			out = append(out, p.Email)
		}
	}
	return out
}

// ReportShare is who gets a client's report: its recipients and every
// contact with an address read it (invited by Drive's email, in the
// client's language); the account manager edits it.
func ReportShare(cfg *configs.Config, c *configs.Client) Share {
	var readers []string
	seen := map[string]bool{}
	add := func(e string) {
		if k := strings.ToLower(strings.TrimSpace(e)); k != "" && !seen[k] {
			seen[k] = true
			readers = append(readers, e)
		}
	}
	for _, e := range c.Report.Recipients {
		add(e)
	}
	for _, ct := range c.Contacts {
		add(ct.Email)
	}
	return Share{Readers: readers, Writers: emails(cfg, c.AccountManager), Language: c.Language}
}

// InvoicesShare is who gets the invoice data: everyone with role finance.
func InvoicesShare(cfg *configs.Config) Share {
	return Share{Writers: roleEmails(cfg, connectors.RoleFinance), Language: financeLanguage(cfg)}
}

// OpsShare is who gets the ops sheet: the heads of accounts.
func OpsShare(cfg *configs.Config) Share {
	lang, _ := cfg.AgencyLocale()
	return Share{Writers: roleEmails(cfg, connectors.RoleHead), Language: headLanguage(cfg, lang)}
}

func roleEmails(cfg *configs.Config, role connectors.Role) []string {
	var out []string
	for _, p := range cfg.People {
		if p.Role == role && strings.TrimSpace(p.Email) != "" {
			out = append(out, p.Email)
		}
	}
	return out
}
