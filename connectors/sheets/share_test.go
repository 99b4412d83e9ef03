package sheets_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

func TestSharing(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	ctx := context.Background()
	var st sheets.State
	loc, err := c.Locate(ctx, &st, target("acme"), false)
	if err != nil {
		t.Fatal(err)
	}
	e.fake.WithoutGoogleAccount("maria@acme.example")
	wanted := []sheets.Grant{
		{Email: "Petro@acme.example", Role: sheets.RoleReader, Notify: true},
		{Email: "maria@acme.example", Role: sheets.RoleReader, Notify: false},
		{Email: "olga@agency.example", Role: sheets.RoleWriter},
		{Email: "head@agency.example", Role: sheets.RoleWriter}, // an organizer of the drive already
	}
	res, err := c.Share(ctx, &st, wanted, "Ваш отчёт: ссылка ниже")
	if err != nil {
		t.Fatal(err)
	}
	if got := emails(res.Granted); !slices.Equal(got, []string{"petro@acme.example", "maria@acme.example", "olga@agency.example"}) {
		t.Errorf("granted %v", got)
	}
	if !slices.Equal(res.NotifiedAnyway, []string{"maria@acme.example"}) {
		t.Errorf("notified anyway %v; want maria (no Google account)", res.NotifiedAnyway)
	}
	mails := e.fake.Emails()
	if len(mails) != 2 || mails[0].To != "petro@acme.example" || mails[0].Message != "Ваш отчёт: ссылка ниже" || mails[1].To != "maria@acme.example" {
		t.Errorf("emails %+v", mails)
	}

	// Nothing changed: nothing to do, and no request once verified.
	if !sheets.InSync(st, wanted) {
		t.Error("state not in sync with what was just granted")
	}

	// A person adds a colleague by hand; the config drops maria.
	e.fake.Share(loc.SpreadsheetID, "boss@acme.example", "commenter")
	e.fake.ResetCounts()
	res, err = c.Share(ctx, &st, slices.Delete(slices.Clone(wanted), 1, 2), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Granted) != 0 || len(res.Revoked) != 1 || res.Revoked[0].Email != "maria@acme.example" {
		t.Errorf("granted %v revoked %v; want maria revoked only", res.Granted, res.Revoked)
	}
	if len(res.HandAdded) != 1 || res.HandAdded[0].Email != "boss@acme.example" {
		t.Errorf("hand-added %+v; want boss", res.HandAdded)
	}
	if n := e.fake.Counts()["drive.permissions.delete"]; n != 1 {
		t.Errorf("%d deletes", n)
	}
	var left []string
	for _, p := range e.fake.Permissions() {
		if p.FileID == loc.SpreadsheetID {
			left = append(left, p.Email+":"+p.Role)
		}
	}
	slices.Sort(left)
	if want := []string{"boss@acme.example:commenter", "olga@agency.example:writer", "petro@acme.example:reader"}; !slices.Equal(left, want) {
		t.Errorf("permissions %v, want %v", left, want)
	}

	// A role change replaces Liaison's grant.
	res, err = c.Share(ctx, &st, []sheets.Grant{{Email: "petro@acme.example", Role: sheets.RoleWriter}, {Email: "olga@agency.example", Role: sheets.RoleWriter}}, "")
	if err != nil || len(res.Revoked) != 1 || len(res.Granted) != 1 || res.Granted[0].Role != sheets.RoleWriter {
		t.Errorf("role change: %+v %v", res, err)
	}
	assertNoViolations(t, e.fake)
}

func TestSharingRefusesOtherRoles(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.oauthConfig(), sheets.Options{})
	st := sheets.State{SpreadsheetID: "x"}
	for _, g := range []sheets.Grant{{Email: "a@b.example", Role: "owner"}, {Email: "anyone", Role: "reader"}} {
		if _, err := c.Share(context.Background(), &st, []sheets.Grant{g}, ""); err == nil {
			t.Errorf("%+v accepted", g)
		}
	}
	if n := e.fake.Traffic(); n.Sharing != 0 {
		t.Errorf("requests sent for bad grants: %+v", n)
	}
}

func TestSharingWithoutPermissionFails(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.oauthConfig(), sheets.Options{})
	st := sheets.State{SpreadsheetID: "1doesnotexist"}
	_, err := c.Share(context.Background(), &st, []sheets.Grant{{Email: "a@b.example", Role: "reader"}}, "")
	if !errors.Is(err, sheets.ErrNotFound) {
		t.Errorf("err = %v; want ErrNotFound", err)
	}
}

func emails(gs []sheets.GrantState) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Email)
	}
	return out
}
