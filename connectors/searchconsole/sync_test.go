package searchconsole_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/discoverytest"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/connectors/searchconsole/searchconsolefake"
)

func TestSyncFiftySitesThenNextDay(t *testing.T) {
	e := newEnv(t)
	n := 50
	if raceEnabled {
		n = 8
	}
	sites := e.addSites(t, n)
	props := make([]string, len(sites))
	for i, s := range sites {
		props[i] = s.Property
	}
	s := e.syncer(t, searchconsole.Options{})
	ctx := context.Background()
	res, err := s.Sync(ctx, sites)
	if err != nil || len(res) != n {
		t.Fatalf("%d results, err %v", len(res), err)
	}
	first, last := day(-92), day(-3)
	for _, r := range res {
		if r.From != first || r.To != last || r.Requests != 3 {
			t.Fatalf("result %+v, want %s..%s in 3 requests", r, first, last)
		}
	}
	if last != e.gsc.LastFinalDay() {
		t.Fatalf("last day pulled %s, fake's last final day %s", last, e.gsc.LastFinalDay())
	}
	e.checkTotals(t, props, first, last)
	for _, r := range e.gsc.Requests() {
		if r.DataState != "final" || r.RowLimit != searchconsole.MaxRowLimit {
			t.Fatalf("request %+v: want final data, rowLimit 25000", r)
		}
	}
	// Nothing younger than the lag is stored, partial or not.
	if got := e.stored(t, props, "", day(-2), day(0), false); len(got) != 0 && got[0].Metrics["impressions"] != 0 {
		t.Errorf("days inside the lag were stored: %v", got)
	}

	e.gsc.ResetRequests()
	e.clk.Advance(24 * time.Hour)
	if _, err := s.Sync(ctx, sites); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.gsc.Requests() {
		if r.Status != http.StatusOK {
			t.Fatalf("request %+v failed", r)
		}
	}
	// The trailing week ending at the newly final day; history untouched.
	res, _ = s.Sync(ctx, sites[:1])
	if res[0].From != day(-8) || res[0].To != day(-2) {
		t.Errorf("second-day window %s..%s, want %s..%s", res[0].From, res[0].To, day(-8), day(-2))
	}
	e.checkTotals(t, props, first, day(-2))
}

func TestSyncPagesLargeSites(t *testing.T) {
	e := newEnv(t)
	if err := e.gsc.AddSite(searchconsolefake.Site{URL: "sc-domain:big.example", Owners: []string{agencyUser}, Queries: 40}); err != nil {
		t.Fatal(err)
	}
	site := searchconsole.Site{ClientID: "big", Property: "sc-domain:big.example"}
	s := e.syncer(t, searchconsole.Options{RowLimit: 500, InitialDays: 30})
	if _, err := s.Sync(context.Background(), []searchconsole.Site{site}); err != nil {
		t.Fatal(err)
	}
	var starts []int
	for _, r := range e.gsc.Requests() {
		if len(r.Dimensions) == 2 && r.Dimensions[1] == "query" {
			starts = append(starts, r.StartRow)
		}
	}
	if len(starts) < 3 || starts[0] != 0 || starts[1] != 500 {
		t.Fatalf("query pages started at %v, want 0, 500, 1000...", starts)
	}
	e.checkTotals(t, []string{site.Property}, day(-32), day(-3))
}

func TestSyncFailuresAreIsolated(t *testing.T) {
	ctx := context.Background()
	t.Run("property not verified", func(t *testing.T) {
		e := newEnv(t)
		sites := e.addSites(t, 3)
		if err := e.gsc.AddSite(searchconsolefake.Site{URL: "https://other.example/", Owners: []string{"someone@else.example"}}); err != nil {
			t.Fatal(err)
		}
		sites = append(sites, searchconsole.Site{ClientID: "other", Property: "https://other.example/"})
		res, err := e.syncer(t, searchconsole.Options{}).Sync(ctx, sites)
		if len(res) != 3 || !errors.Is(err, searchconsole.ErrNoAccess) {
			t.Fatalf("%d results, err %v; want 3 and ErrNoAccess", len(res), err)
		}
		assertOneError(t, err, "other", "https://other.example/", "403")
	})
	t.Run("rate limited", func(t *testing.T) {
		e := newEnv(t)
		sites := e.addSites(t, 3)
		e.gsc.InjectRateLimit(sites[1].Property, 0, 0)
		e.gsc.InjectRateLimit(sites[2].Property, 1, 0) // once: retried
		res, err := e.syncer(t, searchconsole.Options{}).Sync(ctx, sites)
		if len(res) != 2 || !errors.Is(err, searchconsole.ErrRateLimited) {
			t.Fatalf("%d results, err %v; want 2 and ErrRateLimited", len(res), err)
		}
		assertOneError(t, err, "client01", sites[1].Property, "429")
	})
	t.Run("revoked refresh token", func(t *testing.T) {
		e := newEnv(t)
		sites := e.addSites(t, 4)
		e.oauth.RevokeRefreshToken(refreshToken)
		_, err := e.syncer(t, searchconsole.Options{Concurrency: 1}).Sync(ctx, sites)
		var te *google.TokenError
		if !errors.As(err, &te) || te.Code != "invalid_grant" || !strings.Contains(err.Error(), "3 more properties not tried") {
			t.Fatalf("err = %v, want one invalid_grant and 3 skipped", err)
		}
		assertOneError(t, err, "", "", "invalid_grant")
	})
}

func assertOneError(t *testing.T, err error, client, property, why string) {
	t.Helper()
	msg := err.Error()
	named := client == "" || strings.Contains(msg, "client "+client+", property "+property)
	if strings.Count(msg, "search console: client") != 1 || !named || !strings.Contains(msg, why) || strings.Contains(msg, "http://") {
		t.Errorf("error %q: want one error naming client %s, property %s and %q", msg, client, property, why)
	}
	for _, secret := range []string{clientSecret, refreshToken, "ya29."} {
		if strings.Contains(msg, secret) {
			t.Errorf("error leaks a secret: %q", msg)
		}
	}
}

// TestTrafficMatchesDiscoveryDocument checks every recorded exchange,
// errors included, against the Search Console discovery document.
func TestTrafficMatchesDiscoveryDocument(t *testing.T) {
	doc, err := discoverytest.LoadSpec("google/searchconsole/v1/searchconsole-api.json")
	if errors.Is(err, discoverytest.ErrNoSpec) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	sites := e.addSites(t, 4)
	if err := e.gsc.AddSite(searchconsolefake.Site{URL: "https://other.example/", Owners: []string{"x@y.example"}}); err != nil {
		t.Fatal(err)
	}
	sites = append(sites, searchconsole.Site{ClientID: "other", Property: "https://other.example/"})
	_, _ = e.syncer(t, searchconsole.Options{RowLimit: 100, InitialDays: 10}).Sync(context.Background(), sites)
	checked := 0
	for _, x := range e.rec.log {
		if x.path == "/token" {
			continue
		}
		path := strings.TrimPrefix(x.path, "/gsc")
		id := doc.MethodFor(x.method, path)
		if id != "webmasters.searchanalytics.query" {
			t.Errorf("%s %s matches no method (got %q)", x.method, path, id)
			continue
		}
		seg := strings.Split(path, "/")[4]
		matched := false
		for _, s := range sites {
			matched = matched || discoverytest.CheckPathParam(seg, s.Property) == nil
		}
		if !matched {
			t.Errorf("path segment %q names no property", seg)
		}
		for _, p := range doc.CheckRequest(id, x.reqBody) {
			t.Errorf("request %s: %s", x.reqBody, p)
		}
		if x.status == http.StatusOK {
			for _, p := range doc.CheckResponse(id, x.respBody) {
				t.Errorf("response: %s", p)
			}
		}
		checked++
	}
	if checked < 12 {
		t.Fatalf("only %d exchanges checked", checked)
	}
}
