package demo

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/sync/demo/page"
	"github.com/liaisonhq/liaison/sync/engine"
)

// sheet is one spreadsheet the demo renders to its own HTML page.
type sheet struct {
	File string // page file name inside the output directory
	WB   table.Workbook
	// Key and Share are what the daemon publishes it under.
	Key   string
	Share engine.Share
}

// buildSheets builds, from the demo's store at the end of the day, what
// Liaison would write to Google Sheets: each client's report for its
// current period, the finance invoice data for the month, and the ops
// sheet. The day's Google Ads and Search Console pull runs first, against
// the sandbox's fakes, as the daemon's daily pull would. publishSheets
// then writes them to the sandbox's Sheets fake.
func (w *world) buildSheets(ctx context.Context, end time.Time) ([]sheet, error) {
	if err := w.app.PullGoogle(ctx); err != nil {
		return nil, fmt.Errorf("pulling Google Ads and Search Console: %w", err)
	}
	e := engine.New(func() *configs.Config { return w.cfg }, w.st, nil, w.clk, w.log)
	var out []sheet
	for i := range w.cfg.Clients {
		c := &w.cfg.Clients[i]
		p := engine.ReportSchedule(w.cfg, c).Current(end)
		wb, err := e.ClientReport(ctx, c.ID, p, end)
		if err != nil {
			return nil, fmt.Errorf("building the report of %s: %w", c.ID, err)
		}
		out = append(out, sheet{File: "report-" + c.ID + ".html", WB: wb, Key: "report/" + c.ID, Share: engine.ReportShare(w.cfg, c)})
	}
	_, loc := w.cfg.AgencyLocale()
	wb, err := e.Invoices(ctx, end.In(loc).Format("2006-01"), end)
	if err != nil {
		return nil, fmt.Errorf("building the invoice data: %w", err)
	}
	out = append(out, sheet{File: "invoices.html", WB: wb, Key: "invoices", Share: engine.InvoicesShare(w.cfg)})
	if wb, err = e.OpsSheet(ctx, end, false); err != nil {
		return nil, fmt.Errorf("building the ops sheet: %w", err)
	}
	return append(out, sheet{File: "ops.html", WB: wb, Key: "ops", Share: engine.OpsShare(w.cfg)}), nil
}

// writeSheets writes each sheet's page into dir and returns the index
// page's section linking to them.
func writeSheets(dir string, sheets []sheet) (page.Section, error) {
	for i := range sheets {
		var b bytes.Buffer
		if err := page.RenderWorkbook(&b, &sheets[i].WB); err != nil {
			return page.Section{}, err
		}
		if err := os.WriteFile(filepath.Join(dir, sheets[i].File), b.Bytes(), 0o644); err != nil {
			return page.Section{}, fmt.Errorf("writing %s: %w", sheets[i].File, err)
		}
	}
	var b bytes.Buffer
	if err := sheetLinks.Execute(&b, sheets); err != nil {
		return page.Section{}, fmt.Errorf("linking the sheets: %w", err)
	}
	return page.Section{Title: "Spreadsheets", HTML: template.HTML(b.String())}, nil
}

var sheetLinks = template.Must(template.New("links").Parse(
	`<p>What Liaison writes to Google Sheets at the end of the day, one page per spreadsheet:</p><ul>` +
		`{{range .}}<li><a href="{{.File}}">{{.WB.Title}}</a></li>{{end}}</ul>`))
