package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/sync/demo/page"
)

// publishSheets writes the sheets to the sandbox's Google Sheets and Drive
// fakes through the App's publisher, as the daemon's reports job does, and
// returns one transcript entry per spreadsheet: what it cost and who got
// access. The Sheets write limiter waits on the demo's clock, which is
// moved on while it waits; the entries are stamped at the end of the day.
func (w *world) publishSheets(ctx context.Context, end time.Time, sheets []sheet) ([]page.Entry, error) {
	pub := w.app.Publisher()
	if pub == nil {
		return nil, nil
	}
	f := w.sb.Sheets()
	_, loc := w.cfg.AgencyLocale()
	var out []page.Entry
	for _, sh := range sheets {
		before := f.Traffic()
		var url string
		err := w.paced(ctx, func(ctx context.Context) error {
			var err error
			pubd, err := pub.Publish(ctx, sh.Key, sh.WB, sh.Share)
			url = pubd.URL
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("publishing %s: %w", sh.WB.Title, err)
		}
		after := f.Traffic()
		var who []string
		for _, r := range sh.Share.Readers {
			who = append(who, r+" (reader, invited by email)")
		}
		for _, wr := range sh.Share.Writers {
			who = append(who, wr+" (writer)")
		}
		text := fmt.Sprintf("«%s» written to Google Sheets in %d requests, %d for sharing",
			sh.WB.Title, after.Writes-before.Writes, after.Sharing-before.Sharing)
		if len(who) > 0 {
			text += "; shared with " + strings.Join(who, ", ")
		}
		out = append(out, page.Entry{Time: end, Location: loc, Actor: "Liaison", Kind: "report", Text: text + " → " + url})
	}
	return out, nil
}

// paced runs fn, moving the demo's clock on whenever fn waits on it.
func (w *world) paced(ctx context.Context, fn func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	for {
		select {
		case err := <-done:
			return err
		case <-time.After(time.Millisecond):
			if w.clk.Waiters() > 0 {
				w.clk.Advance(time.Second)
			}
		}
	}
}
