package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const reportCmdYAML = `
agency: {name: Northwind Growth, timezone: Europe/Kyiv, language: en}
people:
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001}
  - {id: kate, name: Kate Bondar, email: kate@n.example, role: specialist, specialty: ppc, slack_user_id: U01KATE001, jira_account_id: "712020:kate"}
  - {id: fin, name: Fedir Shevchuk, email: fin@n.example, role: finance, slack_user_id: U01FIN0001, language: uk}
clients:
  - id: acme
    name: Acme
    language: ru
    account_manager: anna
    specialists: [kate]
    jira_projects: [ACME]
    google_ads: {customer_ids: ["1000000001"]}
    billing: {currency: UAH, ads_management_fee_pct: 10, rates: {roles: {specialist: 1000}}}
`

// reportCmdEnv writes a config and a store holding two days of Ads
// metrics and one worklog for Acme, and returns the config's path.
func reportCmdEnv(t *testing.T) (cfgPath, dataDir string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "agency.yaml")
	if err := os.WriteFile(path, []byte(reportCmdYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "state"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := func(clicks, cost float64) map[string]float64 {
		return map[string]float64{connectors.MetricClicks: clicks, connectors.MetricImpressions: clicks * 40, connectors.MetricCost: cost, connectors.MetricConversions: 2}
	}
	rows := []connectors.MetricRow{
		{Source: connectors.SourceAds, ClientID: "acme", Account: "1000000001", Date: "2026-11-02", Metrics: m(120, 1500.5)},
		{Source: connectors.SourceAds, ClientID: "acme", Account: "1000000001", Date: "2026-11-02", Dimension: "campaign:11", Metrics: m(120, 1500.5)},
		{Source: connectors.SourceAds, ClientID: "acme", Account: "1000000001", Date: "2026-11-03", Metrics: m(80, 999.5)},
		{Source: connectors.SourceAds, ClientID: "acme", Account: "1000000001", Date: "2026-11-03", Dimension: "campaign:11", Metrics: m(80, 999.5)},
	}
	if err := st.ReplaceMetrics(ctx, connectors.SourceAds, "1000000001", "2026-11-01", "2026-11-30", rows); err != nil {
		t.Fatal(err)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	started := time.Date(2026, 11, 10, 10, 0, 0, 0, kyiv)
	if err := st.UpsertTasks(ctx, []connectors.Task{{Key: "ACME-7", ProjectKey: "ACME", Summary: "Новые объявления", Status: "Done",
		StatusCategory: connectors.StatusCategoryDone, AssigneeAccountID: "712020:kate", Updated: started, Resolved: started.Add(48 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertWorklogs(ctx, []connectors.Worklog{{ID: "1", IssueKey: "ACME-7", AuthorAccountID: "712020:kate",
		Started: started, Seconds: 3*3600 + 1800, Updated: started}}); err != nil {
		t.Fatal(err)
	}
	return path, filepath.Join(dir, "state")
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestReportDryRun: -dry-run prints the client's report in its language
// with aligned columns and formatted figures, and writes nothing.
func TestReportDryRun(t *testing.T) {
	cfg, data := reportCmdEnv(t)
	code, out, errOut := runCmd("report", "-config", cfg, "-data-dir", data, "-client", "acme", "-period", "2026-11", "-dry-run", "-now", "2026-12-02T10:00:00+02:00")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"# Acme — отчёт",
		"Отчёт готов: ноябрь 2026, обновлён 02.12.2026",
		`(?m)^Расходы +2\x{a0}500,00\x{a0}₴ +0,00\x{a0}₴$`,
		`(?m)^02\.11\.2026  100-000-0001  11 +4\x{a0}800 +120  2,50\x{a0}%  12,50\x{a0}₴  1\x{a0}500,50\x{a0}₴`,
		`(?m)^ACME-7  Новые объявления  Done +Kate Bondar +3,50$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

// TestReportWithoutPublisher: without -dry-run the command says that no
// publisher is configured and fails, rather than pretending it wrote.
func TestReportWithoutPublisher(t *testing.T) {
	cfg, data := reportCmdEnv(t)
	code, out, errOut := runCmd("report", "-config", cfg, "-data-dir", data, "-client", "acme", "-period", "2026-11", "-now", "2026-12-02T10:00:00+02:00")
	if code != exitFailed || !strings.Contains(errOut, "no spreadsheet publisher") || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestReportBadFlags(t *testing.T) {
	cfg, data := reportCmdEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-period", "2026-11"}, "-client is required"},
		{[]string{"-client", "nobody"}, `no client "nobody"`},
		{[]string{"-client", "acme", "-period", "2026-13"}, "want YYYY-MM"},
		{[]string{"-client", "acme", "-period", "2026-W48"}, "reports are monthly"},
		{[]string{"-client", "acme", "-period", "2027-01", "-now", "2026-12-02T10:00:00+02:00", "-dry-run"}, "period has not begun"},
	} {
		code, _, errOut := runCmd(append([]string{"report", "-config", cfg, "-data-dir", data}, c.args...)...)
		if code == exitOK || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errOut, c.want)
		}
	}
}

// TestInvoicesDryRun prints the finance data in the finance person's
// language: 3.5 h × 1,000 + 2,500 × 10 %.
func TestInvoicesDryRun(t *testing.T) {
	cfg, data := reportCmdEnv(t)
	code, out, errOut := runCmd("invoices", "-config", cfg, "-data-dir", data, "-month", "2026-11", "-dry-run", "-now", "2026-12-02T10:00:00+02:00")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"# Northwind Growth — дані для рахунків", "3\u00a0750,00\u00a0₴", "Комісія за ведення, 10 % від витрат"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := runCmd("invoices", "-config", cfg, "-data-dir", data, "-month", "november", "-dry-run"); code != exitUsage || !strings.Contains(errOut, "want YYYY-MM") {
		t.Errorf("bad month: exit %d, %q", code, errOut)
	}
}

// TestReportPublishesToSheets: with Google credentials, `liaison report`
// writes the report to the Sheets fake (through the sandbox) and shares
// it; the same command again sends no write.
func TestReportPublishesToSheets(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg, data := reportCmdEnv(t)
	g := sandbox.GoogleConfig(base)
	block := fmt.Sprintf("connections:\n  google:\n    oauth: {client_id: %q, client_secret: %q, refresh_token: %q}\n"+
		"    token_url: %s\n    sheets_base_url: %s\n    drive_base_url: %s\n    drive: {shared_drive_id: %s}\n",
		g.OAuth.ClientID, g.OAuth.ClientSecret.Reveal(), g.OAuth.RefreshToken.Reveal(), g.TokenURL, g.SheetsBaseURL, g.DriveBaseURL, g.Drive.SharedDriveID)
	yml := strings.Replace(reportCmdYAML, "    account_manager: anna\n", "    account_manager: anna\n    report: {recipients: [petro@acme.example]}\n", 1) + block
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"report", "-config", cfg, "-data-dir", data, "-client", "acme", "-period", "2026-11", "-now", "2026-12-02T10:00:00+02:00"}
	code, out, errOut := runCmd(args...)
	if code != exitOK || !strings.Contains(out, "report acme 2026-11") || !strings.Contains(out, "/spreadsheets/d/") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	ids := sb.Sheets().SpreadsheetIDs()
	if len(ids) != 1 {
		t.Fatalf("spreadsheets %v", ids)
	}
	shared := map[string]string{}
	for _, p := range sb.Sheets().Permissions() {
		shared[p.Email] = p.Role
	}
	if shared["petro@acme.example"] != "reader" || shared["anna@n.example"] != "writer" {
		t.Errorf("shared with %v", shared)
	}
	sb.Sheets().ResetCounts()
	if code, _, errOut := runCmd(args...); code != exitOK {
		t.Fatalf("second run: exit %d, %s", code, errOut)
	}
	if tr := sb.Sheets().Traffic(); tr.Writes+tr.Sharing != 0 {
		t.Errorf("second run wrote %+v", tr)
	}
}
