package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// crashReportSettings is the report block every crash scenario's client
// carries: a monthly report whose final run falls on the 1st, so that the
// previous month's final run (spreadsheet, sharing and the "report ready"
// message to the account manager) is due whatever the day of the run.
const crashReportSettings = "{period: monthly, final_run_day: 1}"

// reportState is what the reports job left at the Drive and Sheets fakes
// for one client.
type reportState struct {
	files  []string       // live spreadsheets marked liaison_client=<id>
	grants map[string]int // email → permissions on the client's files
	emails map[string]int // email → Drive sharing notifications
	tabs   []worldTab     // tabs of the first file
	ready  int            // "report ready" messages to the account manager
}

// worldTab is one tab of a spreadsheet, as /_sandbox/sheets/{id} shows it.
type worldTab struct {
	Title  string  `json:"title"`
	Values [][]any `json:"values"`
}

// reports reads, per client, the spreadsheets marked for it in Drive (the
// appProperties a files.list would ask for), their permissions, the
// sharing emails Drive sent and the first file's tabs.
func (w *crashWorld) reports(msgs []worldMessage) map[string]*reportState {
	w.t.Helper()
	out := map[string]*reportState{}
	for _, c := range w.clients {
		out[c] = &reportState{grants: map[string]int{}, emails: map[string]int{}}
	}
	var files []struct {
		ID            string            `json:"id"`
		Trashed       bool              `json:"trashed"`
		AppProperties map[string]string `json:"appProperties"`
	}
	w.getJSON("/_sandbox/drive/files", &files)
	owner := map[string]string{}
	for _, f := range files {
		if r := out[f.AppProperties["liaison_client"]]; r != nil && !f.Trashed {
			r.files = append(r.files, f.ID)
			owner[f.ID] = f.AppProperties["liaison_client"]
		}
	}
	var perms struct {
		Permissions []struct {
			FileID string `json:"fileId"`
			Type   string `json:"type"`
			Email  string `json:"emailAddress"`
		} `json:"permissions"`
		Emails []struct {
			To, FileID string
		} `json:"emails"`
	}
	w.getJSON("/_sandbox/drive/permissions", &perms)
	for _, p := range perms.Permissions {
		if c, ok := owner[p.FileID]; ok && p.Type == "user" {
			out[c].grants[strings.ToLower(p.Email)]++
		}
	}
	for _, e := range perms.Emails {
		if c, ok := owner[e.FileID]; ok {
			out[c].emails[strings.ToLower(e.To)]++
		}
	}
	for _, r := range out {
		if len(r.files) == 0 {
			continue
		}
		var snap struct {
			Sheets []worldTab `json:"sheets"`
		}
		w.getJSON("/_sandbox/sheets/"+r.files[0], &snap)
		r.tabs = snap.Sheets
	}
	for _, m := range msgs {
		if m.User != "U0LIAISON1" || m.Ephemeral || !strings.Contains(m.Text, "is final: <") {
			continue
		}
		for c, r := range out {
			if strings.Contains(m.Text, "*"+clientName(c)+"*") {
				r.ready++
			}
		}
	}
	return out
}

func (w *crashWorld) getJSON(path string, v any) {
	w.t.Helper()
	code, body := get(w.t, w.base+path)
	if code != 200 || json.Unmarshal([]byte(body), v) != nil {
		w.t.Fatalf("%s = %d: %s", path, code, body)
	}
}

// clientName is the scenarios' name of a client id: "acme" → "Acme".
func clientName(id string) string { return strings.ToUpper(id[:1]) + id[1:] }

// reportWanted are the permissions a client's report must carry, once
// each: its contact as reader, its account manager as writer.
func (w *crashWorld) reportWanted(c string) []string {
	if w.contact == nil {
		return nil
	}
	return []string{w.contact(c), w.manager}
}

// previousMonthTab is the title of the previous month's tab (the final
// run's) in the agency's zone at now: "November 2026".
func previousMonthTab(now time.Time) string {
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		loc = time.UTC
	}
	y, m, _ := now.In(loc).Date()
	prev := time.Date(y, m, 1, 12, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	return prev.Format("January 2006")
}

// reportProblems says what is wrong with a client's report, "" when it is
// complete and nothing in it is doubled: one spreadsheet, each wanted
// grant once, one sharing email per notified reader, the summary and the
// previous month's tabs with values and no tab twice or left blank, one
// "report ready" message.
func (w *crashWorld) reportProblems(c string, r *reportState) string {
	var p []string
	if len(r.files) != 1 {
		p = append(p, fmt.Sprintf("%d spreadsheets", len(r.files)))
	}
	for _, e := range w.reportWanted(c) {
		if n := r.grants[e]; n != 1 {
			p = append(p, fmt.Sprintf("%d grants to %s", n, e))
		}
	}
	for e, n := range r.emails {
		if n > 1 {
			p = append(p, fmt.Sprintf("%d sharing emails to %s", n, e))
		}
	}
	titles := map[string]int{}
	for _, t := range r.tabs {
		titles[t.Title]++
		if len(t.Values) == 0 {
			p = append(p, fmt.Sprintf("tab %q is empty", t.Title))
		}
	}
	for t, n := range titles {
		if n > 1 {
			p = append(p, fmt.Sprintf("tab %q %d times", t, n))
		}
	}
	for _, t := range []string{"Summary", previousMonthTab(time.Now())} {
		if titles[t] == 0 {
			p = append(p, fmt.Sprintf("no tab %q (tabs %v)", t, titles))
		}
	}
	if r.ready != 1 {
		p = append(p, fmt.Sprintf("%d report ready messages", r.ready))
	}
	return strings.Join(p, ", ")
}

// reportDone reports whether everything the client's report needs has
// happened at least once.
func (w *crashWorld) reportDone(c string, r *reportState) bool {
	if r == nil || len(r.files) == 0 || r.ready == 0 {
		return false
	}
	for _, e := range w.reportWanted(c) {
		if r.grants[e] == 0 {
			return false
		}
	}
	titles := map[string]bool{}
	for _, t := range r.tabs {
		titles[t.Title] = len(t.Values) > 0
	}
	return titles["Summary"] && titles[previousMonthTab(time.Now())]
}

// checkReports fails t for every client whose report is incomplete or has
// anything twice.
func checkReports(t *testing.T, w *crashWorld, rs map[string]*reportState) {
	t.Helper()
	for _, c := range w.clients {
		if p := w.reportProblems(c, rs[c]); p != "" {
			t.Errorf("client %s's report: %s", c, p)
		}
	}
}
