package sheets_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
)

const (
	clientID     = "liaison-test.apps.googleusercontent.com"
	clientSecret = "GOCSPX-client-secret-XYZ"
	refreshToken = "1//refresh-token-ABC"
	agencyUser   = "reports@agency.example"
	robot        = "liaison@agency-project.iam.gserviceaccount.com"
	sharedDrive  = "0AReportsDrive01"
	folder       = "1ClientReportsFolder"
)

var start = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// exchange is one recorded HTTP exchange with the fakes.
type exchange struct {
	method, path, query string
	reqBody             []byte
	status              int
	respBody            []byte
}

type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	r.mu.Lock()
	r.log = append(r.log, exchange{method: req.Method, path: req.URL.EscapedPath(), query: req.URL.RawQuery, reqBody: body,
		status: resp.StatusCode, respBody: rb})
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.log...)
}

type env struct {
	clk   *clock.Fake
	oauth *oauthfake.Server
	fake  *sheetsfake.Fake
	srv   *httptest.Server
	rec   *recorder
	hc    *http.Client
}

func newEnv(t testing.TB, fo sheetsfake.Options) *env {
	t.Helper()
	e := &env{clk: clock.NewFake(start)}
	e.oauth = oauthfake.New(oauthfake.Options{Clock: e.clk, TokenTTL: 365 * 24 * time.Hour})
	e.oauth.AddClient(clientID, clientSecret)
	e.oauth.AddRefreshToken(clientID, refreshToken, agencyUser)
	fo.Auth, fo.Clock = e.oauth, e.clk
	e.fake = sheetsfake.New(fo)
	e.fake.AddSharedDrive(sharedDrive, "Client reports", map[string]string{robot: "fileOrganizer", "head@agency.example": "organizer"})
	e.fake.AddFolder(folder, "Reports", sharedDrive, "", "")
	mux := http.NewServeMux()
	mux.Handle("/token", e.oauth.Handler())
	mux.Handle("/", e.fake.Handler())
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.rec = &recorder{base: http.DefaultTransport}
	// No in-line retries: 429s come back to the connector, which waits
	// on the injected clock.
	e.hc = httpx.NewClient(httpx.Options{Name: "sheets", RetryMax: -1, Transport: e.rec})
	return e
}

// oauthConfig is an agency user's OAuth credentials: files land in that
// user's Drive (or the configured folder).
func (e *env) oauthConfig() google.Config {
	c := google.DefaultConfig()
	c.TokenURL = e.srv.URL + "/token"
	c.OAuth = google.OAuth{ClientID: clientID, ClientSecret: clientSecret, RefreshToken: refreshToken}
	c.SheetsBaseURL = e.srv.URL + "/"
	c.DriveBaseURL = e.srv.URL + "/drive/v3/"
	return c
}

// robotConfig is a service account; with drive set, the shared drive.
func (e *env) robotConfig(t testing.TB, drive bool) google.Config {
	t.Helper()
	key, err := e.oauth.NewServiceAccountKey(robot, e.srv.URL+"/token")
	if err != nil {
		t.Fatal(err)
	}
	c := e.oauthConfig()
	c.OAuth = google.OAuth{}
	c.ServiceAccount = secret.Secret(key)
	if drive {
		c.Drive = google.DriveConfig{SharedDriveID: sharedDrive, FolderID: folder}
	}
	return c
}

func (e *env) client(t testing.TB, cfg google.Config, opts sheets.Options) *sheets.Client {
	t.Helper()
	ts, err := google.TokenSource(context.Background(), cfg, e.hc, e.clk, google.ScopeSpreadsheets, google.ScopeDrive)
	if err != nil {
		t.Fatal(err)
	}
	opts.HTTPClient, opts.TokenSource, opts.Clock = e.hc, ts, e.clk
	if opts.Limiter == nil {
		opts.Limiter = sheets.NewLimiter(6000, 30000, e.clk)
	}
	c, err := sheets.New(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reportWorkbook is shaped like a client's monthly report: a summary with
// a change column and a chart over the daily block at its bottom, Ads by
// day and campaign (3 campaigns), Search Console by day, and work done
// with links. days is how many days of the period have data.
func reportWorkbook(days int) *table.Workbook {
	summary := table.Tab{Key: "summary", Name: "Сводка", FrozenRows: 1,
		Columns: []table.Column{{Width: 220}, {Width: 120}, {Width: 120}, {Width: 90}}}
	summary.Rows = [][]table.Cell{
		{table.B("Показатель"), table.B("Ноябрь"), table.B("Октябрь"), table.B("Изменение")},
		{table.T("Расход"), table.C(152340.5), table.C(140200), table.P(0.0866, 1)},
		{table.T("Клики"), table.I(4210), table.I(3990), table.P(0.0551, 1)},
		{table.T("Цена конверсии"), table.C(812.25), table.C(790), table.P(0.0282, 1)},
		{table.T("Средняя позиция"), table.N(8.4, 1), table.N(9.1, 1), table.P(-0.0769, 1)},
		{},
		{table.B("День"), table.B("Клики"), table.B("Расход")},
	}
	adsTab := table.Tab{Key: "ads", Name: "Google Ads", FrozenRows: 1, Columns: []table.Column{{Width: 100}, {Width: 180}}}
	adsTab.Rows = [][]table.Cell{{table.B("День"), table.B("Кампания"), table.B("Клики"), table.B("Показы"), table.B("CTR"), table.B("Расход")}}
	gscTab := table.Tab{Key: "gsc", Name: "Search Console", FrozenRows: 1}
	gscTab.Rows = [][]table.Cell{{table.B("День"), table.B("Клики"), table.B("Показы"), table.B("Позиция")}}
	for d := 1; d <= days; d++ {
		date := fmt.Sprintf("2026-11-%02d", d)
		summary.Rows = append(summary.Rows, []table.Cell{table.D(date), table.I(float64(100 + d)), table.C(5000 + float64(d)*10.5)})
		for _, camp := range []string{"Бренд", "Поиск — услуги", "PMax"} {
			adsTab.Rows = append(adsTab.Rows, []table.Cell{table.D(date), table.T(camp), table.I(float64(30 + d)),
				table.I(float64(900 + d)), table.P(float64(30+d)/float64(900+d), 2), table.C(1500 + float64(d))})
		}
		gscTab.Rows = append(gscTab.Rows, []table.Cell{table.D(date), table.I(float64(200 + d)), table.I(float64(5000 + d)), table.N(11.2, 1)})
	}
	summary.Changes = []table.ChangeColumn{{Column: 3, FirstRow: 1, LastRow: 4,
		RowDirections: []table.Direction{table.DownIsGood, table.UpIsGood, table.DownIsGood, table.DownIsGood}}}
	summary.Charts = []table.Chart{{Title: "Клики и расход по дням", HeaderRow: 6, LastRow: 6 + days, DomainColumn: 0,
		SeriesColumns: []int{1, 2}, RightAxis: []int{1}, AnchorRow: 0, AnchorColumn: 5}}
	work := table.Tab{Key: "work", Name: "Работы", FrozenRows: 1, Rows: [][]table.Cell{
		{table.B("Задача"), table.B("Описание"), table.B("Исполнитель"), table.B("Часы")},
		{table.L("ACME-12", "https://agency.atlassian.net/browse/ACME-12"), table.T("=Аудит \"семантики\""), table.T("Ольга"), table.N(6.5, 1)},
		{table.L("ACME-15", "https://agency.atlassian.net/browse/ACME-15"), table.T("0123"), table.T("Ігор"), table.N(2, 1)},
	}}
	return &table.Workbook{Title: "ACME — отчёт", Locale: "ru_RU", TimeZone: "Europe/Kyiv", Currency: "UAH",
		Tabs: []table.Tab{summary, adsTab, gscTab, work}}
}

func target(client string) sheets.Target {
	return sheets.Target{Title: "ACME — отчёт", AppProperties: map[string]string{"liaison_client": client}}
}

func assertNoViolations(t *testing.T, f *sheetsfake.Fake) {
	t.Helper()
	if v := f.Violations(); len(v) > 0 {
		t.Fatalf("forbidden permissions created: %v", v)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func fmtSscanf(s string, y, m, d *int) (int, error) { return fmt.Sscanf(s, "%d-%d-%d", y, m, d) }

// daysFrom1899 is the spreadsheet serial number of a civil date.
func daysFrom1899(y, m, d int) int {
	return int(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}
