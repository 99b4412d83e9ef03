package sandbox

import (
	"context"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// TestGoogleFakesServeTheConnectors pulls Ads and Search Console through
// the sandbox with the config GoogleConfig writes, and checks that the
// recording names the upstream and carries none of the credentials.
func TestGoogleFakesServeTheConnectors(t *testing.T) {
	sc := SampleScenario()
	sc.Clients[0].GoogleAds = connectors.GoogleAds{CustomerIDs: []string{"123-456-7890"}}
	sc.Clients[0].SearchConsole = connectors.SearchConsole{Properties: []string{"sc-domain:acme.example", "https://acme.example/"}}
	e := start(t, sc, nil)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := GoogleConfig(e.base)
	hc := httpx.NewClient(httpx.Options{RetryMax: -1})
	ts, err := google.TokenSource(ctx, cfg, hc, e.clk, google.ScopeAds, google.ScopeSearchConsoleReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	ads, err := googleads.New(cfg, googleads.Options{HTTPClient: hc, TokenSource: ts, Store: st, Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ads.Sync(ctx, []googleads.Account{{ClientID: sc.Clients[0].ID, CustomerID: "1234567890", LoginCustomerID: GoogleManagerID}})
	if err != nil || len(res) != 1 || res[0].Rows == 0 {
		t.Fatalf("ads: %+v, %v", res, err)
	}
	gsc, err := searchconsole.New(cfg, searchconsole.Options{HTTPClient: hc, TokenSource: ts, Store: st, Clock: e.clk, InitialDays: 10})
	if err != nil {
		t.Fatal(err)
	}
	sres, err := gsc.Sync(ctx, []searchconsole.Site{
		{ClientID: sc.Clients[0].ID, Property: "sc-domain:acme.example"},
		{ClientID: sc.Clients[0].ID, Property: "https://acme.example/"},
	})
	if err != nil || len(sres) != 2 || sres[0].Rows == 0 {
		t.Fatalf("search console: %+v, %v", sres, err)
	}
	recs := e.rec.records(t)
	var google int
	for _, r := range recs {
		if r.Upstream == "google" {
			google++
		}
	}
	if google < 5 {
		t.Errorf("%d google exchanges recorded, want token + ads + 6 queries", google)
	}
	out := e.rec.String()
	for _, secret := range []string{GoogleClientSecret, GoogleRefreshToken, GoogleDeveloperToken, "ya29."} {
		if strings.Contains(out, secret) {
			t.Errorf("recording carries secret %q", secret)
		}
	}
}
