package sheets_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors/google/discoverytest"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

func loadDocs(t *testing.T) (sheetsDoc, driveDoc *discoverytest.Doc) {
	t.Helper()
	var err error
	sheetsDoc, err = discoverytest.LoadSpec("google/sheets/v4/sheets-api.json")
	if errors.Is(err, discoverytest.ErrNoSpec) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if driveDoc, err = discoverytest.LoadSpec("google/drive/v3/drive-api.json"); err != nil {
		t.Fatal(err)
	}
	return sheetsDoc, driveDoc
}

func docFor(path string, s, d *discoverytest.Doc) *discoverytest.Doc {
	if strings.HasPrefix(path, "/drive/") {
		return d
	}
	return s
}

// TestFakeRoutesExistInDiscovery: every route the fake serves is a method
// of the discovery document, at that path, with those parameters.
func TestFakeRoutesExistInDiscovery(t *testing.T) {
	s, d := loadDocs(t)
	sample := regexp.MustCompile(`\{[^}]+\}`)
	for _, r := range sheetsfake.Routes {
		doc := docFor(r.Pattern, s, d)
		m, ok := doc.Method(r.ID)
		if !ok {
			t.Errorf("%s: no such method", r.ID)
			continue
		}
		if m.HTTPMethod != r.HTTPMethod {
			t.Errorf("%s: fake serves %s, document says %s", r.ID, r.HTTPMethod, m.HTTPMethod)
		}
		path := sample.ReplaceAllString(r.Pattern, "x1")
		switch r.ID {
		case "sheets.spreadsheets.batchUpdate":
			path += ":batchUpdate"
		case "sheets.spreadsheets.values.batchUpdate":
			path = strings.Replace(path, "/x1/x1", "/x1/values:batchUpdate", 1)
		case "sheets.spreadsheets.values.batchGet":
			path = strings.Replace(path, "/x1/x1", "/x1/values:batchGet", 1)
		}
		if got := doc.MethodFor(r.HTTPMethod, path); got != r.ID {
			t.Errorf("%s: path %s is method %q in the document", r.ID, path, got)
		}
		for _, p := range r.Params {
			if !slices.Contains(m.Query, p) {
				t.Errorf("%s: parameter %q is not in the document", r.ID, p)
			}
		}
	}
}

// TestTrafficMatchesDiscovery drives the connector through creation,
// writes, adoption, sharing, a trashed file and refusals, and checks
// every exchange against the discovery documents.
func TestTrafficMatchesDiscovery(t *testing.T) {
	s, d := loadDocs(t)
	e := newEnv(t, sheetsfake.Options{})
	ctx := context.Background()
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	var st sheets.State
	if _, err := c.Locate(ctx, &st, target("acme"), false); err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{3, 4} {
		if _, err := c.Write(ctx, &st, reportWorkbook(days)); err != nil {
			t.Fatal(err)
		}
	}
	e.fake.WithoutGoogleAccount("maria@acme.example")
	if _, err := c.Share(ctx, &st, []sheets.Grant{{Email: "maria@acme.example", Role: "reader"}, {Email: "olga@agency.example", Role: "writer"}}, "Отчёт"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Share(ctx, &st, []sheets.Grant{{Email: "olga@agency.example", Role: "writer"}}, ""); err != nil {
		t.Fatal(err)
	}
	lost := sheets.State{}
	if _, err := c.Locate(ctx, &lost, target("acme"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(ctx, &lost, reportWorkbook(4)); err != nil {
		t.Fatal(err)
	}
	e.fake.Trash(st.SpreadsheetID)
	if _, err := c.Locate(ctx, &st, target("acme"), true); err != nil {
		t.Fatal(err)
	}
	o := e.client(t, e.oauthConfig(), sheets.Options{})
	var mine sheets.State
	if _, err := o.Locate(ctx, &mine, target("mine"), false); err != nil {
		t.Fatal(err)
	}
	r := e.client(t, e.robotConfig(t, false), sheets.Options{})
	var nowhere sheets.State
	if _, err := r.Locate(ctx, &nowhere, target("nowhere"), false); err == nil {
		t.Fatal("a service account created a file outside a shared drive")
	}

	checked := map[string]int{}
	for _, x := range e.rec.exchanges() {
		if x.path == "/token" {
			continue
		}
		doc := docFor(x.path, s, d)
		id := doc.MethodFor(x.method, x.path)
		if id == "" {
			t.Errorf("%s %s matches no method", x.method, x.path)
			continue
		}
		m, _ := doc.Method(id)
		q, _ := url.ParseQuery(x.query)
		for k := range q {
			if !slices.Contains(m.Query, k) {
				t.Errorf("%s: parameter %q is not in the document", id, k)
			}
		}
		if len(x.reqBody) > 0 {
			for _, p := range doc.CheckRequest(id, x.reqBody) {
				t.Errorf("%s request: %s", id, p)
			}
		}
		if x.status == 200 {
			for _, p := range doc.CheckResponse(id, x.respBody) {
				t.Errorf("%s response: %s", id, p)
			}
		} else if x.status >= 400 && !strings.Contains(string(x.respBody), `"errors"`) {
			t.Errorf("%s %d answer is not Google's error envelope: %s", id, x.status, x.respBody)
		}
		checked[id]++
	}
	for _, id := range []string{"drive.files.create", "drive.files.list", "drive.files.get", "drive.permissions.create",
		"drive.permissions.list", "drive.permissions.delete", "sheets.spreadsheets.get", "sheets.spreadsheets.batchUpdate",
		"sheets.spreadsheets.values.batchUpdate"} {
		if checked[id] == 0 {
			t.Errorf("no %s exchange checked", id)
		}
	}
}
