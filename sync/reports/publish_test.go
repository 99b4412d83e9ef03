package reports_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/sync/reports"
	"github.com/liaisonhq/liaison/sync/store"
)

var people = []connectors.Person{
	{ID: "olga", Email: "olga@agency.example", Role: connectors.RoleAccountManager},
	{ID: "olena", Email: "olena@agency.example", Role: connectors.RoleHead},
	{ID: "fin", Email: "fin@agency.example", Role: connectors.RoleFinance},
}

func acme() connectors.Client {
	return connectors.Client{ID: "acme", Name: "ACME", AccountManager: "olga", Head: "olena",
		Report:   connectors.Report{Recipients: []string{"petro@acme.example"}},
		Contacts: []connectors.Contact{{Name: "Maria", Email: "Maria@acme.example"}, {Name: "Ivan"}}}
}

func clientTarget(c connectors.Client, days int) reports.Target {
	return reports.Target{Key: reports.ClientKey(c.ID), ClientID: c.ID, AppProperties: reports.ClientProperties(c.ID),
		Workbook: workbook(c.ID, days), Grants: reports.ClientGrants(people, c), Message: reports.ShareMessage(connectors.LanguageUkrainian, c.Name)}
}

func TestPublishCreatesWritesSharesAndAudits(t *testing.T) {
	e := newEnv(t)
	p, err := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := p.Publish(ctx, clientTarget(acme(), 10))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.SpreadsheetID == "" || !strings.Contains(res.URL, res.SpreadsheetID) || len(res.Granted) != 3 {
		t.Fatalf("first publish: %+v", res)
	}
	if tr := e.fake.Traffic(); tr.Writes > 4 {
		t.Errorf("%d writes besides sharing", tr.Writes)
	}
	rs, err := e.st.GetReportState(ctx, reports.StateKey(reports.ClientKey("acme")))
	if err != nil || !strings.Contains(string(rs.Data), res.SpreadsheetID) {
		t.Fatalf("stored state %s %v", rs.Data, err)
	}

	// Unchanged: nothing sent.
	e.fake.ResetCounts()
	if _, err := p.Publish(ctx, clientTarget(acme(), 10)); err != nil {
		t.Fatal(err)
	}
	if tr := e.fake.Traffic(); tr != (sheetsfakeTraffic{}) {
		t.Errorf("unchanged publish sent %+v", tr)
	}

	// A new day: one values write, one check that the file is still
	// there, no sharing request.
	e.fake.ResetCounts()
	if _, err := p.Publish(ctx, clientTarget(acme(), 11)); err != nil {
		t.Fatal(err)
	}
	if tr, n := e.fake.Traffic(), e.fake.Counts(); tr.Writes != 1 || tr.Reads != 1 || tr.Sharing != 0 || n["drive.files.get"] != 1 {
		t.Errorf("a new day sent %+v (%v); want 1 values write and 1 files.get", tr, n)
	}

	// Maria leaves the config; a person shared with her boss by hand.
	e.fake.Share(res.SpreadsheetID, "boss@acme.example", "reader")
	c := acme()
	c.Contacts = c.Contacts[1:]
	e.fake.ResetCounts()
	res2, err := p.Publish(ctx, clientTarget(c, 12))
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Revoked) != 1 || res2.Revoked[0].Email != "maria@acme.example" || len(res2.Granted) != 0 {
		t.Errorf("revoked %v granted %v; want maria revoked only", res2.Revoked, res2.Granted)
	}
	if len(res2.HandAdded) != 1 || res2.HandAdded[0].Email != "boss@acme.example" {
		t.Errorf("hand-added %+v", res2.HandAdded)
	}
	if n := e.fake.Counts()["drive.permissions.delete"]; n != 1 {
		t.Errorf("%d permission deletes", n)
	}
	entries, err := e.st.ListAudit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var grants, revokes []string
	for _, a := range entries {
		switch a.Action {
		case reports.ActionGrant:
			grants = append(grants, a.Detail)
		case reports.ActionRevoke:
			revokes = append(revokes, a.Detail)
		}
		if !a.Time.Equal(start) {
			t.Errorf("audit time %v", a.Time)
		}
	}
	if len(grants) != 3 || len(revokes) != 1 || revokes[0] != "client=acme target=report/acme email=maria@acme.example role=reader" {
		t.Errorf("audit grants %v revokes %v", grants, revokes)
	}
	for _, g := range grants {
		if !strings.HasPrefix(g, "client=acme ") || !strings.Contains(g, "role=") {
			t.Errorf("audit entry %q", g)
		}
	}
	for _, p := range e.fake.Permissions() {
		if p.Type != "user" {
			t.Errorf("permission of type %s", p.Type)
		}
	}
	if v := e.fake.Violations(); len(v) > 0 {
		t.Fatal(v)
	}
	mails := e.fake.Emails()
	if len(mails) != 2 || !strings.Contains(mails[0].Message, "Вам відкрито доступ до таблиці «ACME»") {
		t.Errorf("notification emails %+v; want the two client readers, in Ukrainian", mails)
	}
}

type sheetsfakeTraffic = struct{ Reads, Writes, Sharing int }

// TestCrashBeforeStoringTheID kills the run after Drive created the file,
// three times running: there is still one spreadsheet, found again.
func TestCrashBeforeStoringTheID(t *testing.T) {
	e := newEnv(t)
	fs := &failingStore{Store: e.st}
	fs.n.Store(3)
	p, err := reports.New(reports.Options{Sheets: e.sheet, Store: fs, Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		if _, err := p.Publish(ctx, clientTarget(acme(), 5)); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("run %d: err %v; want the store failure", i, err)
		}
	}
	res, err := p.Publish(ctx, clientTarget(acme(), 5))
	if err != nil {
		t.Fatal(err)
	}
	if ids := e.fake.SpreadsheetIDs(); len(ids) != 1 || ids[0] != res.SpreadsheetID {
		t.Fatalf("spreadsheets %v, result %s; want exactly one", ids, res.SpreadsheetID)
	}
	if n := e.fake.Counts()["drive.files.create"]; n != 1 {
		t.Errorf("%d creates", n)
	}
	if snap, _ := e.fake.Spreadsheet(res.SpreadsheetID); len(snap.Sheets) != 2 {
		t.Errorf("spreadsheet after recovery: %+v", snap.Sheets)
	}
}

func TestTrashedReportIsRecreatedAndReported(t *testing.T) {
	e := newEnv(t)
	p, _ := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	ctx := context.Background()
	first, err := p.Publish(ctx, clientTarget(acme(), 5))
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Trash(first.SpreadsheetID)
	res, err := p.Publish(ctx, clientTarget(acme(), 6)) // a new day: the run checks the file
	if err != nil {
		t.Fatal(err)
	}
	if !res.Recreated || res.Previous != first.SpreadsheetID || res.SpreadsheetID == first.SpreadsheetID || len(res.Granted) != 3 {
		t.Fatalf("%+v; want a new spreadsheet, shared again", res)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	e := newEnv(t)
	p, _ := reports.New(reports.Options{Store: e.st, Clock: e.clk, DryRun: true})
	res, err := p.Publish(context.Background(), clientTarget(acme(), 5))
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || !res.Created || len(res.Plan.NewTabs) != 2 || len(res.WouldGrant) != 3 {
		t.Errorf("dry run %+v", res)
	}
	if tr := e.fake.Traffic(); tr != (sheetsfakeTraffic{}) {
		t.Errorf("dry run sent %+v", tr)
	}
	if _, err := e.st.GetReportState(context.Background(), reports.StateKey(reports.ClientKey("acme"))); err == nil {
		t.Error("dry run stored state")
	}
}

func TestGrants(t *testing.T) {
	got := reports.ClientGrants(people, acme())
	want := []sheets.Grant{{Email: "petro@acme.example", Role: "reader", Notify: true}, {Email: "maria@acme.example", Role: "reader", Notify: true},
		{Email: "olga@agency.example", Role: "writer"}}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("grant %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if f := reports.RoleGrants(people, connectors.RoleFinance, sheets.RoleWriter); len(f) != 1 || f[0].Email != "fin@agency.example" {
		t.Errorf("finance grants %+v", f)
	}
}

// TestServiceAccountWithoutSharedDriveStopsAtOneCreate: Drive's
// storageQuotaExceeded for the first client is not retried, and the
// other clients' reports do not try again.
func TestServiceAccountWithoutSharedDriveStopsAtOneCreate(t *testing.T) {
	e := newRobotEnv(t)
	p, _ := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	ctx := context.Background()
	for _, id := range []string{"acme", "globex", "initech"} {
		c := acme()
		c.ID = id
		_, err := p.Publish(ctx, clientTarget(c, 3))
		var sq *sheets.StorageQuotaError
		if !errors.As(err, &sq) || !strings.Contains(err.Error(), "connections.google.drive.shared_drive_id") {
			t.Fatalf("%s: err %v; want the storage quota error naming the fix", id, err)
		}
	}
	if n := e.fake.Counts()["drive.files.create"]; n != 1 {
		t.Errorf("%d create attempts for 3 clients; want 1", n)
	}
}

// TestPublishWorkbook is the engine's call: the key decides the app
// properties, readers get Drive's email, writers do not.
func TestPublishWorkbook(t *testing.T) {
	e := newEnv(t)
	p, _ := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	ctx := context.Background()
	res, err := p.PublishWorkbook(ctx, "report/acme", *workbook("acme", 3), []string{"petro@acme.example"}, []string{"olga@agency.example"}, connectors.LanguageRussian)
	if err != nil || res.URL == "" {
		t.Fatalf("report: %q %v", res.URL, err)
	}
	if _, err := p.PublishWorkbook(ctx, "invoices", *workbook("finance", 3), nil, []string{"fin@agency.example"}, connectors.LanguageEnglish); err != nil {
		t.Fatal(err)
	}
	props := map[string]string{}
	for _, f := range e.fake.Files() {
		for k, v := range f.AppProperties {
			props[k+"="+v] = f.ID
		}
	}
	if props["liaison_client=acme"] == "" || props["liaison_kind=invoices"] == "" {
		t.Errorf("app properties %v", props)
	}
	mails := e.fake.Emails()
	if len(mails) != 1 || mails[0].To != "petro@acme.example" || !strings.Contains(mails[0].Message, "Вам открыт доступ к таблице «acme report»") {
		t.Errorf("emails %+v; want one Russian invitation to the client's reader", mails)
	}
}

// TestConcurrentPublishesOfOneTargetShareOnce: two runs of the reports job
// at once (the run at start next to one rescued from a killed process)
// publish the same client's report; the second waits for the first, finds
// the grants stored and shares nothing again, so each reader gets one
// Drive email and the client one spreadsheet.
func TestConcurrentPublishesOfOneTargetShareOnce(t *testing.T) {
	e := newEnv(t)
	p, err := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	errs := make(chan error, 2)
	for range 2 {
		go func() { _, err := p.Publish(ctx, clientTarget(acme(), 10)); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.fake.Files()); n != 1 {
		t.Errorf("%d files, want 1", n)
	}
	sent := map[string]int{}
	for _, m := range e.fake.Emails() {
		sent[m.To]++
	}
	for to, n := range sent {
		if n != 1 {
			t.Errorf("%d sharing emails to %s, want 1", n, to)
		}
	}
}
