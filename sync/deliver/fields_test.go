package deliver

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// fieldTexts renders views in English and returns each finding section's
// fields as "Label: value" lines, and the header.
func fieldTexts(t *testing.T, views []view) (string, [][]string) {
	t.Helper()
	r := rendering{cat: catalogFor(en), loc: Kyiv(t), now: time.Date(2026, 11, 30, 10, 0, 0, 0, Kyiv(t)), people: Agency(t), max: 10}
	_, raw, err := renderAlert(r, views)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []struct {
		Type   string `json:"type"`
		Text   struct{ Text string }
		Fields []struct{ Text string }
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	var header string
	var out [][]string
	for _, b := range blocks {
		switch b.Type {
		case "header":
			header = b.Text.Text
		case "section":
			var fs []string
			for _, f := range b.Fields {
				label, value, _ := strings.Cut(f.Text, "\n")
				fs = append(fs, strings.Trim(label, "*")+": "+value)
			}
			out = append(out, fs)
		}
	}
	return header, out
}

func TestCuratedFields(t *testing.T) {
	soon := deadlineFinding("ACME-5", "due_soon", "2026-12-01", rules.SeverityWarning, map[string]string{"working_days_left": "1", "notify_assignee": "true"})
	late := deadlineFinding("ACME-2", "overdue", "2026-11-25", rules.SeverityCritical,
		map[string]string{"days_overdue": "5", "working_days_overdue": "3", "escalated": "true"})
	none := deadlineFinding("ACME-3", "no_due_date", "", rules.SeverityInfo, nil)
	delete(none.Fields, "assignee") // assigned to someone Liaison does not know
	direct := redirectFinding("sergey", "Sergey", "hi")
	waiting := responseFinding("2h 15m", "true")
	waiting.Fields["messages"] = "3"
	other := rules.Finding{Key: "workload:1", Rule: "workload", ClientID: "acme", Title: "Pavel has too many open tasks",
		Fields: map[string]string{"open_tasks": "14", "am": "anna", "kind": "tasks", "status": "busy", "assignee": "pavel"}}
	views := func(client string, fs ...rules.Finding) []view {
		var vs []view
		for _, f := range fs {
			vs = append(vs, view{f: f, clientName: client})
		}
		return vs
	}
	sergey := "<@" + sergeyUID(t) + ">"
	pavel := "<@" + Agency(t).Person("pavel").SlackUserID + ">"
	for _, tc := range []struct {
		name   string
		views  []view
		header string
		want   [][]string
	}{
		{"one client: named once, in the header", views("Acme", soon, late, none, direct, waiting, other), "6 alerts · Acme", [][]string{
			{"Assignee: " + sergey, "Status: In Progress", "Time left: 1 working day"},
			{"Assignee: " + sergey, "Status: In Progress", "Overdue by: 3 working days"},
			{"Status: In Progress"},
			{"Specialist: Sergey", "Account manager: Anna"},
			{"Waiting: 2h 15m of working time", "First message: Mon 30 Nov, 08:00", "Messages: 3"},
			{"Assignee: " + pavel, "Open tasks: 14", "Status: busy"},
		}},
		{"several clients: each task names its own", append(views("Acme", soon, direct), views("Globex", late)...), "3 alerts", [][]string{
			{"Client: Acme", "Assignee: " + sergey, "Status: In Progress", "Time left: 1 working day"},
			{"Specialist: Sergey", "Account manager: Anna"}, // the headline names the client
			{"Client: Globex", "Assignee: " + sergey, "Status: In Progress", "Overdue by: 3 working days"},
		}},
		{"a finding without a client: no client in the header", append(views("Acme", soon), views("", other)...), "2 alerts", [][]string{
			{"Assignee: " + sergey, "Status: In Progress", "Time left: 1 working day"},
			{"Assignee: " + pavel, "Open tasks: 14", "Status: busy"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header, got := fieldTexts(t, tc.views)
			if header != tc.header {
				t.Errorf("header = %q, want %q", header, tc.header)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d sections, want %d: %q", len(got), len(tc.want), got)
			}
			for i := range got {
				if strings.Join(got[i], "; ") != strings.Join(tc.want[i], "; ") {
					t.Errorf("section %d fields\n got %q\nwant %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestNoInternalFieldsShown renders every rule's finding in every language
// and checks that no routing or key field reaches the reader.
func TestNoInternalFieldsShown(t *testing.T) {
	internal := []string{"kind", "am", "am_name", "client_name", "channel", "ts", "thread_ts", "reason",
		"assignee_account_id", "notify_assignee", "escalated", "task_key", "summary", "specialist", "text", "permalink"}
	for _, lang := range connectors.Languages() {
		r := rendering{cat: catalogFor(lang), loc: Kyiv(t), now: renderNow(t), people: Agency(t), max: 10}
		_, raw, err := renderAlert(r, renderViews(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range internal {
			if strings.Contains(string(raw), `"*`+k+`*\n`) {
				t.Errorf("%s: field %q is shown", lang, k)
			}
		}
		for _, leak := range []string{"acc-sergey", `\nsergey"`, "Client wrote", "is overdue (due"} {
			if strings.Contains(string(raw), leak) {
				t.Errorf("%s: blocks show %q", lang, leak)
			}
		}
	}
}
