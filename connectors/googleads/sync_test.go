package googleads_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/googleads"
)

func TestSyncFiftyAccountsThenNextDay(t *testing.T) {
	e := newEnv(t, 0)
	n := 50
	if raceEnabled {
		n = 8
	}
	accts := e.addAccounts(t, n)
	ids := make([]string, len(accts))
	for i, a := range accts {
		ids[i] = a.CustomerID
	}
	s := e.syncer(t, e.cfg)
	ctx := context.Background()

	res, err := s.Sync(ctx, accts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != n {
		t.Fatalf("got %d results, want %d", len(res), n)
	}
	first, last := day(-90), day(-1)
	for _, r := range res {
		if r.From != first || r.To != last || r.Currency == "" || r.Rows == 0 {
			t.Fatalf("result %+v, want window %s..%s with currency and rows", r, first, last)
		}
	}
	if got := len(e.ads.Requests()); got != n {
		t.Errorf("first run made %d requests, want %d", got, n)
	}
	e.checkTotals(t, ids, first, last)
	// The cursor keeps the account's and its campaigns' names for alerts
	// and reports.
	cur, ok, err := googleads.LoadCursor(ctx, e.st, ids[0])
	if err != nil || !ok || cur.Name != "Account "+ids[0] || len(cur.Campaigns) == 0 {
		t.Errorf("cursor %+v (%v, %v), want the account's descriptive name and its campaigns' names", cur, ok, err)
	}

	// A day later: only the trailing 30 days, which now end a day later.
	e.ads.ResetRequests()
	e.clk.Advance(24 * time.Hour)
	if _, err := s.Sync(ctx, accts); err != nil {
		t.Fatal(err)
	}
	reqs := e.ads.Requests()
	if len(reqs) != n {
		t.Fatalf("second run made %d requests, want %d", len(reqs), n)
	}
	want := "BETWEEN '" + day(-29) + "' AND '" + day(0) + "'"
	for _, r := range reqs {
		if !strings.Contains(r.Query, want) || r.LoginCustomerID != managerID || r.Version != "v22" {
			t.Fatalf("request %+v, want %s through the manager on v22", r, want)
		}
	}
	e.checkTotals(t, ids, first, day(0))
	// The first run's days younger than the conversion lag were re-pulled;
	// re-pulling replaced rather than added, so per-day totals still match.
	e.checkTotals(t, ids[:1], day(-5), day(-5))
}

func TestSyncCatchesUpMissedDays(t *testing.T) {
	e := newEnv(t, 0)
	accts := e.addAccounts(t, 1)
	s, err := googleads.New(e.cfg, googleads.Options{HTTPClient: e.hc, TokenSource: e.tokenSource(t, e.cfg), Store: e.st,
		Clock: e.clk, TrailingDays: 3, InitialDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		advance  time.Duration
		from, to string
	}{
		{0, day(-5), day(-1)},
		{24 * time.Hour, day(-2), day(0)},
		{10 * 24 * time.Hour, day(1), day(10)},  // missed runs: from the day after the cursor
		{60 * 24 * time.Hour, day(11), day(70)}, // longer than InitialDays: still no hole
	} {
		e.clk.Advance(tc.advance)
		res, err := s.Sync(ctx, accts)
		if err != nil {
			t.Fatal(err)
		}
		if res[0].From != tc.from || res[0].To != tc.to {
			t.Errorf("after %v: window %s..%s, want %s..%s", tc.advance, res[0].From, res[0].To, tc.from, tc.to)
		}
	}
}

func TestSyncSmallBatchesStream(t *testing.T) {
	e := newEnv(t, 7)
	accts := e.addAccounts(t, 3)
	if _, err := e.syncer(t, e.cfg).Sync(context.Background(), accts); err != nil {
		t.Fatal(err)
	}
	e.checkTotals(t, []string{accts[0].CustomerID, accts[1].CustomerID, accts[2].CustomerID}, day(-90), day(-1))
}

func TestSyncFailuresAreIsolated(t *testing.T) {
	ctx := context.Background()
	t.Run("quota", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 5)
		e.ads.InjectQuotaError(accts[2].CustomerID, -1, 37*time.Second)
		res, err := e.syncer(t, e.cfg).Sync(ctx, accts)
		if len(res) != 4 {
			t.Fatalf("%d accounts completed, want 4", len(res))
		}
		var ae *googleads.AccountError
		if !errors.As(err, &ae) || ae.CustomerID != accts[2].CustomerID || !errors.Is(err, googleads.ErrQuota) {
			t.Fatalf("err = %v, want a quota AccountError for %s", err, accts[2].CustomerID)
		}
		if ae.RetryDelay() != 37*time.Second {
			t.Errorf("retry delay %v, want 37s", ae.RetryDelay())
		}
		assertOneError(t, err, "client02", accts[2].CustomerID, "quotaError RESOURCE_EXHAUSTED")
	})
	t.Run("transient quota is retried", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 2)
		e.ads.InjectQuotaError(accts[0].CustomerID, 1, time.Second)
		if res, err := e.syncer(t, e.cfg).Sync(ctx, accts); err != nil || len(res) != 2 {
			t.Fatalf("got %d results, err %v; want both after a retry", len(res), err)
		}
	})
	t.Run("sunset version", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 5)
		e.ads.SunsetVersion("v22")
		_, err := e.syncer(t, e.cfg).Sync(ctx, accts)
		if !errors.Is(err, googleads.ErrVersion) {
			t.Fatalf("err = %v, want ErrVersion", err)
		}
		if n := len(e.ads.Requests()); n > googleads.DefaultConcurrency {
			t.Errorf("%d requests after the version was refused, want at most one per worker", n)
		}
		if !strings.Contains(err.Error(), "version v22 is not served") {
			t.Errorf("error does not say the version: %v", err)
		}
	})
	t.Run("version from config", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 1)
		cfg := e.cfg
		cfg.Ads.APIVersion = "v19"
		if _, err := e.syncer(t, cfg).Sync(ctx, accts); !errors.Is(err, googleads.ErrVersion) || !strings.Contains(err.Error(), "v19") {
			t.Fatalf("err = %v, want v19 not served", err)
		}
	})
	t.Run("revoked refresh token of one client", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 4)
		own := e.cfg
		own.OAuth.RefreshToken = "1//client-own-token"
		e.oauth.AddRefreshToken(clientID, "1//client-own-token", agencyUser)
		e.oauth.RevokeRefreshToken("1//client-own-token")
		accts[1].TokenSource = e.tokenSource(t, own)
		res, err := e.syncer(t, e.cfg).Sync(ctx, accts)
		if len(res) != 3 {
			t.Fatalf("%d accounts completed, want 3", len(res))
		}
		var te *google.TokenError
		if !errors.As(err, &te) || te.Code != "invalid_grant" {
			t.Fatalf("err = %v, want invalid_grant", err)
		}
		assertOneError(t, err, "client01", accts[1].CustomerID, "invalid_grant")
	})
	t.Run("revoked shared refresh token", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 6)
		e.oauth.RevokeRefreshToken(refreshToken)
		s, err := googleads.New(e.cfg, googleads.Options{HTTPClient: e.hc, TokenSource: e.tokenSource(t, e.cfg), Store: e.st,
			Clock: e.clk, Concurrency: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Sync(ctx, accts)
		if !strings.Contains(err.Error(), "5 more accounts not tried") || strings.Count(err.Error(), "invalid_grant") != 1 {
			t.Fatalf("err = %v, want one invalid_grant and the 5 others listed", err)
		}
		if n := len(e.ads.Requests()); n != 0 {
			t.Errorf("%d API requests without a token", n)
		}
	})
	t.Run("no access without login-customer-id", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 2)
		accts[0].LoginCustomerID = ""
		res, err := e.syncer(t, e.cfg).Sync(ctx, accts)
		if len(res) != 1 || !errors.Is(err, googleads.ErrAuth) || !strings.Contains(err.Error(), "USER_PERMISSION_DENIED") {
			t.Fatalf("got %d results, err %v; want USER_PERMISSION_DENIED for one", len(res), err)
		}
	})
	t.Run("wrong developer token", func(t *testing.T) {
		e := newEnv(t, 0)
		accts := e.addAccounts(t, 1)
		cfg := e.cfg
		cfg.Ads.DeveloperToken = "not-the-token"
		_, err := e.syncer(t, cfg).Sync(ctx, accts)
		if !errors.Is(err, googleads.ErrAuth) || !strings.Contains(err.Error(), "DEVELOPER_TOKEN_INVALID") {
			t.Fatalf("err = %v, want DEVELOPER_TOKEN_INVALID", err)
		}
	})
}

// assertOneError checks that err names the client and account once, says
// why, and quotes no secret.
func assertOneError(t *testing.T, err error, client, account, why string) {
	t.Helper()
	msg := err.Error()
	if strings.Count(msg, "google ads: client") != 1 || !strings.Contains(msg, "client "+client+", account "+account) || !strings.Contains(msg, why) {
		t.Errorf("error %q: want one error naming client %s, account %s and %q", msg, client, account, why)
	}
	for _, secret := range []string{clientSecret, refreshToken, devToken, "ya29."} {
		if strings.Contains(msg, secret) {
			t.Errorf("error leaks a secret: %q", msg)
		}
	}
}
