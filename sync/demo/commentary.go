package demo

import (
	"time"

	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/demo/page"
)

// commentaryEntries are the transcript's lines with each client report's
// commentary, as its Summary tab shows it at the end of the day.
func commentaryEntries(sheets []sheet, end time.Time, loc *time.Location) []page.Entry {
	var out []page.Entry
	for _, sh := range sheets {
		if text := commentaryOf(&sh.WB); text != "" {
			out = append(out, page.Entry{Time: end, Location: loc, Actor: "Liaison", Kind: "report",
				Text: "commentary on «" + sh.WB.Title + "»:\n" + text})
		}
	}
	return out
}

// commentaryOf returns a report workbook's commentary; "" for a workbook
// with none (invoice data, the ops sheet).
func commentaryOf(wb *table.Workbook) string {
	t := wb.Tab("summary")
	if t == nil || len(t.Rows) <= report.CommentaryRow || len(t.Rows[report.CommentaryRow]) == 0 {
		return ""
	}
	if c := t.Rows[report.CommentaryRow][0]; c.Keep {
		return c.Text
	}
	return ""
}
