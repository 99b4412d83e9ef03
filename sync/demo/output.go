package demo

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/sync/demo/page"
)

// stats are the figures shown atop the page and under the transcript. The
// first four are always shown, zero included, because a zero there is news;
// the rest only when something happened.
func (c Counts) stats() []page.Stat {
	out := []page.Stat{
		{Label: "Client messages seen", Value: strconv.Itoa(c.ClientMessages)},
		{Label: "Alerts sent", Value: strconv.Itoa(c.Alerts)},
		{Label: "Deferred to working hours", Value: strconv.Itoa(c.Deferred)},
		{Label: "Redirects", Value: strconv.Itoa(c.Redirects)},
	}
	for _, s := range []struct {
		label string
		n     int
	}{{"Resolved", c.Resolved}, {"Jira tasks created", c.JiraTasks}, {"Private notes", c.PrivateNotes}, {"FAQ suggestions", c.Suggestions}, {"Answers posted", c.Answers}} {
		if s.n > 0 {
			out = append(out, page.Stat{Label: s.label, Value: strconv.Itoa(s.n)})
		}
	}
	return out
}

// Column widths of the text transcript: "07:30 EET" and "deferred".
const (
	timeWidth = 11
	kindWidth = 11
)

// WriteTranscript prints r as text: a header, one line per entry (times in
// the actor's or recipient's own zone), the figures and where the page is.
func WriteTranscript(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	start, end := r.Start, r.End.In(r.Start.Location())
	fmt.Fprintf(bw, "Liaison demo — %s\n", r.Agency)
	fmt.Fprintf(bw, "A simulated working day, %s → %s %s, played in %.1f s with no network.\n",
		start.Format("Mon 2 Jan 2006 15:04"), end.Format("15:04"), zoneLabel(end), r.Elapsed.Seconds())
	fmt.Fprintf(bw, "Lines are in the order things happened, timed in %s; [brackets] give the time where the person is.\n",
		zoneLabel(start))
	fmt.Fprintln(bw)
	indent := strings.Repeat(" ", timeWidth+kindWidth)
	for _, e := range r.Transcript {
		t := e.Time.In(start.Location())
		when := t.Format("15:04") + " " + zoneLabel(t)
		text := strings.ReplaceAll(e.Actor+" · "+localNote(e, start.Location())+e.Text, "\n", "\n"+indent+"  ")
		fmt.Fprintf(bw, "%-*s%-*s%s\n", timeWidth, when, kindWidth, e.Kind, text)
	}
	fmt.Fprintln(bw)
	writeSummary(bw, r)
	return bw.Flush()
}

// WriteSummary prints r's figures and where its page is, in two lines.
func WriteSummary(w io.Writer, r Result) error {
	bw := bufio.NewWriter(w)
	writeSummary(bw, r)
	return bw.Flush()
}

func writeSummary(w io.Writer, r Result) {
	parts := make([]string, 0, len(r.Summary))
	for _, s := range r.Summary {
		parts = append(parts, s.Label+": "+s.Value)
	}
	fmt.Fprintf(w, "Summary: %s.\n", strings.Join(parts, " · "))
	if r.Page != "" {
		fmt.Fprintf(w, "The Slack conversations as they would look: %s\n", r.Page)
	}
}

// localNote is "[10:30 Almaty] " when the entry's own zone shows a
// different clock time than the reference zone, else "".
func localNote(e page.Entry, ref *time.Location) string {
	if e.Location == nil {
		return ""
	}
	local, there := e.Time.In(e.Location), e.Time.In(ref)
	if local.Format("15:04 MST") == there.Format("15:04 MST") {
		return ""
	}
	return "[" + local.Format("15:04") + " " + zoneLabel(local) + "] "
}
