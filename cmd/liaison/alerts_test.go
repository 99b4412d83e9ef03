package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/daemon"
)

// opsAgency is a small agency whose account manager is on vacation from
// yesterday for ten days, so that any alert for her is deferred to a known
// instant whatever the time the test runs.
func opsAgency(t *testing.T, today time.Time) string {
	t.Helper()
	yml := fmt.Sprintf(`agency:
  name: Test Agency
  timezone: Europe/Kyiv
server:
  listen: 127.0.0.1:1
people:
  - id: anna
    name: Anna Am
    email: anna@agency.example
    role: account_manager
    slack_user_id: U0ANNA0001
    hours: ["mon-fri 09:00-18:00"]
    vacations:
      - {from: %s, to: %s}
clients:
  - id: lakeshore
    name: Lakeshore
    account_manager: anna
    jira_projects: [LAKE]
`, today.AddDate(0, 0, -1).Format("2006-01-02"), today.AddDate(0, 0, 10).Format("2006-01-02"))
	path := filepath.Join(t.TempDir(), "agency.yaml")
	if err := os.WriteFile(path, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAlertsListShowsDeferredAlert: with no daemon running, `alerts list
// -data-dir` reads the store and shows the deferred alert, its recipient,
// the instant it is planned for (with the zone) and that it waits for the
// recipient's working hours.
func TestAlertsListShowsDeferredAlert(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	now := time.Now().In(kyiv)
	cfgPath := opsAgency(t, now)
	dataDir := t.TempDir()
	cfg, st := openTestStore(t, cfgPath, dataDir)
	app, err := daemon.NewApp(func() *configs.Config { return cfg }, st, daemon.AppOptions{})
	if err != nil {
		t.Fatal(err)
	}
	subj := rules.Subject{Kind: rules.SubjectTask, ID: "LAKE-7"}
	f := rules.Finding{Key: rules.Key("deadline", "lakeshore", subj, "overdue"), Rule: "deadline", ClientID: "lakeshore",
		Subject: subj, Severity: rules.SeverityWarning, Title: "LAKE-7 is overdue", FirstSeen: now, LastSeen: now}
	if _, err := app.Deliverer().Reconcile(t.Context(), "deadline", []string{"lakeshore"}, []rules.Finding{f}, now); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// The first working morning after the vacation ends.
	back := time.Date(now.Year(), now.Month(), now.Day()+11, 9, 0, 0, 0, kyiv)
	for back.Weekday() == time.Saturday || back.Weekday() == time.Sunday {
		back = back.AddDate(0, 0, 1)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"alerts", "list", "-config", cfgPath, "-data-dir", dataDir, "-state", "deferred"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{
		"PLANNED (Europe/Kyiv)", back.Format("2006-01-02 15:04 MST"), "deferred", "anna", "lakeshore", "deadline", "LAKE-7 is overdue",
		"working hours: anna is off until " + back.Format("2006-01-02 15:04 MST") + " (Europe/Kyiv)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("alerts list lacks %q:\n%s", want, text)
		}
	}

	out.Reset()
	if code := run([]string{"alerts", "list", "-config", cfgPath, "-data-dir", dataDir, "-state", "sent"}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "no alerts match") {
		t.Errorf("-state sent = %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"alerts", "list", "-config", cfgPath, "-data-dir", dataDir, "-json"}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), `"wait_kind": "working_hours"`) {
		t.Errorf("-json = %d:\n%s", code, out.String())
	}
}

// TestAlertsListUnknownIDs: a client or person the config does not know
// is a usage error that names the nearest one.
func TestAlertsListUnknownIDs(t *testing.T) {
	cfgPath := opsAgency(t, time.Now())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-client", "lakeshor"}, `-client "lakeshor": no such client in the config (did you mean "lakeshore"?)`},
		{[]string{"-person", "ana"}, `-person "ana": no such person in the config (did you mean "anna"?)`},
		{[]string{"-state", "deffered"}, `(did you mean "deferred"?)`},
	} {
		var out, errOut bytes.Buffer
		args := append([]string{"alerts", "list", "-config", cfgPath}, tc.args...)
		if code := run(args, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}

// TestAuditFromStore lists a silence's audit entry from the store.
func TestAuditFromStore(t *testing.T) {
	cfgPath := opsAgency(t, time.Now())
	var out, errOut bytes.Buffer
	if code := run([]string{"audit", "-config", cfgPath, "-data-dir", t.TempDir(), "-since", "1h"}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "TIME") {
		t.Fatalf("audit = %d: %s %s", code, out.String(), errOut.String())
	}
	if code := run([]string{"audit", "-since", "yesterday"}, &out, &errOut); code != exitUsage {
		t.Errorf("audit -since yesterday = %d, want 2", code)
	}
}
