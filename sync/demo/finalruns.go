package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/sync/demo/page"
	"github.com/liaisonhq/liaison/sync/store"
)

// finalRuns runs the daemon's reports job at the end of the day, after the
// day's spreadsheets are written: each client's previous period, closed
// and past its final run day, gets its final run — a tab of its own in
// the client's spreadsheet — and the account manager a "report ready"
// message, held for their working hours. It returns one transcript entry
// per message, with when it will go out.
func (w *world) finalRuns(ctx context.Context, end time.Time) ([]page.Entry, error) {
	if w.app.Publisher() == nil {
		return nil, nil
	}
	before := w.sb.Sheets().Traffic()
	if err := w.paced(ctx, w.app.RunReports); err != nil {
		return nil, fmt.Errorf("running the reports job: %w", err)
	}
	after := w.sb.Sheets().Traffic()
	pending, err := w.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending})
	if err != nil {
		return nil, fmt.Errorf("listing what the reports job queued: %w", err)
	}
	_, loc := w.cfg.AgencyLocale()
	var out []page.Entry
	for _, d := range pending {
		if !strings.HasPrefix(d.Key, "reply/report-ready/") && !strings.HasPrefix(d.Key, "reply/invoices-ready/") {
			continue
		}
		var p struct {
			Reply struct {
				Person string `json:"person"`
				Text   string `json:"text"`
			} `json:"reply"`
		}
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			return nil, fmt.Errorf("reading %s: %w", d.Key, err)
		}
		who, when := p.Reply.Person, d.DueAt.In(loc)
		if person := w.cfg.Person(p.Reply.Person); person != nil {
			who = person.Name
			if z, err := time.LoadLocation(person.Timezone); err == nil && person.Timezone != "" {
				when = d.DueAt.In(z)
			}
		}
		out = append(out, page.Entry{Time: end, Location: loc, Actor: "Liaison", Kind: "ready",
			Text: fmt.Sprintf("DM to %s, held for their working hours until %s: %s", who, when.Format("Mon 15:04 MST"), p.Reply.Text)})
	}
	if n := after.Writes - before.Writes; n > 0 {
		out = append([]page.Entry{{Time: end, Location: loc, Actor: "Liaison", Kind: "report",
			Text: fmt.Sprintf("final runs: each client's previous period written to a tab of its own in the client's spreadsheet, in %d requests", n)}}, out...)
	}
	return out, nil
}
