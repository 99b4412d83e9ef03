package reports_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/sync/reports"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const (
	clientID     = "liaison-test.apps.googleusercontent.com"
	clientSecret = "GOCSPX-client-secret-XYZ"
	refreshToken = "1//refresh-token-ABC"
	agencyUser   = "reports@agency.example"
	sharedDrive  = "0AReportsDrive01"
)

var start = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

type env struct {
	clk   *clock.Fake
	fake  *sheetsfake.Fake
	st    *sqlite.Store
	sheet *sheets.Client
}

func newEnv(t testing.TB) *env { return newEnvWith(t, false) }

// newRobotEnv authenticates as a service account with no shared drive
// configured.
func newRobotEnv(t testing.TB) *env { return newEnvWith(t, true) }

func newEnvWith(t testing.TB, robot bool) *env {
	t.Helper()
	e := &env{clk: clock.NewFake(start)}
	oauth := oauthfake.New(oauthfake.Options{Clock: e.clk, TokenTTL: 365 * 24 * time.Hour})
	oauth.AddClient(clientID, clientSecret)
	oauth.AddRefreshToken(clientID, refreshToken, agencyUser)
	e.fake = sheetsfake.New(sheetsfake.Options{Auth: oauth, Clock: e.clk, WritesPerMinute: -1})
	e.fake.AddSharedDrive(sharedDrive, "Reports", map[string]string{agencyUser: "fileOrganizer"})
	srv := httptest.NewServer(muxOf(oauth, e.fake))
	t.Cleanup(srv.Close)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	cfg := google.DefaultConfig()
	cfg.TokenURL = srv.URL + "/token"
	cfg.OAuth = google.OAuth{ClientID: clientID, ClientSecret: clientSecret, RefreshToken: refreshToken}
	cfg.SheetsBaseURL = srv.URL + "/"
	cfg.DriveBaseURL = srv.URL + "/drive/v3/"
	cfg.Drive.SharedDriveID = sharedDrive
	if robot {
		key, err := oauth.NewServiceAccountKey("liaison@agency.iam.gserviceaccount.com", srv.URL+"/token")
		if err != nil {
			t.Fatal(err)
		}
		cfg.OAuth, cfg.ServiceAccount, cfg.Drive = google.OAuth{}, secret.Secret(key), google.DriveConfig{}
	}
	hc := httpx.NewClient(httpx.Options{Name: "sheets", RetryMax: -1})
	e.sheet, err = reports.NewSheetsClient(context.Background(), cfg, hc, sheets.NewLimiter(1_000_000, 1_000_000, e.clk), nil, e.clk)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// failingStore fails PutReportState the first n times, as a process
// killed between Drive's create and storing the id would.
type failingStore struct {
	store.Store
	n atomic.Int32
}

func (f *failingStore) PutReportState(ctx context.Context, s store.ReportState) (bool, error) {
	if f.n.Add(-1) >= 0 {
		return false, errors.New("killed")
	}
	return f.Store.PutReportState(ctx, s)
}

func workbook(client string, days int) *table.Workbook {
	tab := table.Tab{Key: "gsc", Name: "Search Console", FrozenRows: 1,
		Rows: [][]table.Cell{{table.B("Day"), table.B("Clicks")}}, Columns: []table.Column{{Width: 100}}}
	for d := 1; d <= days; d++ {
		tab.Rows = append(tab.Rows, []table.Cell{table.D(fmt.Sprintf("2026-11-%02d", d)), table.I(float64(d * 10))})
	}
	sum := table.Tab{Key: "summary", Name: "Summary", Rows: [][]table.Cell{{table.B(client)}, {table.T("Clicks"), table.I(float64(days))}}}
	return &table.Workbook{Title: client + " report", Locale: "en_US", TimeZone: "Europe/Kyiv", Currency: "USD", Tabs: []table.Tab{sum, tab}}
}
