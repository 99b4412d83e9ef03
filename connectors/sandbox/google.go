package sandbox

import (
	"net/http"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
	"github.com/liaisonhq/liaison/connectors/searchconsole/searchconsolefake"
)

// The Google fakes' credentials: an installed-app OAuth client with the
// agency user's refresh token, and the Ads developer token. They are fake
// values, written into the sandbox's config as they are.
const (
	GoogleClientID       = "liaison-sandbox.apps.googleusercontent.com"
	GoogleClientSecret   = "GOCSPX-sandbox-client-secret"
	GoogleRefreshToken   = "1//sandbox-refresh-token"
	GoogleDeveloperToken = googleadsfake.DefaultDeveloperToken
	// GoogleUser is whom the refresh token acts for: a user of the agency's
	// manager account and verified owner of every scenario property.
	GoogleUser = "agency@sandbox.example"
	// GoogleManagerID is the agency's manager account, used as
	// login-customer-id for accounts whose client names none.
	GoogleManagerID = "9990000001"
)

// Where the Google fakes are mounted under the sandbox's base URL. Ads
// paths start with the version ("/v22/customers/..."), which would clash
// with other fakes' routes at the root, so Ads gets a prefix.
const (
	googleTokenPath = "/oauth2/token"
	googleAdsPrefix = "/googleads"
)

// googleUpstream mounts the OAuth token endpoint, the Google Ads fake and
// the Search Console fake, seeded with the scenario clients' accounts and
// properties.
type googleUpstream struct {
	oauth *oauthfake.Server
	ads   *googleadsfake.Fake
	gsc   *searchconsolefake.Fake
}

func newGoogleUpstream(s *Sandbox) googleUpstream {
	u := googleUpstream{oauth: oauthfake.New(oauthfake.Options{Clock: s.clk, Logger: s.log.With("upstream", "google-oauth"),
		TokenTTL: tokenTTL(s.clk)})}
	u.oauth.AddClient(GoogleClientID, s.creds.GoogleClientSecret)
	u.oauth.AddRefreshToken(GoogleClientID, s.creds.GoogleRefreshToken, GoogleUser)
	u.ads = googleadsfake.New(googleadsfake.Options{Clock: s.clk, Logger: s.log.With("upstream", "googleads"), Auth: u.oauth,
		DailyOperations: s.adsOps, DeveloperToken: s.creds.GoogleDeveloperToken})
	u.gsc = searchconsolefake.New(searchconsolefake.Options{Clock: s.clk, Logger: s.log.With("upstream", "searchconsole"), Auth: u.oauth,
		Quota: s.gscQuota})
	_ = u.ads.AddManager(GoogleManagerID, GoogleUser)
	for _, c := range s.sc.Clients {
		login := strings.ReplaceAll(c.GoogleAds.LoginCustomerID, "-", "")
		if login == "" {
			login = GoogleManagerID
		} else if login != GoogleManagerID {
			_ = u.ads.AddManager(login, GoogleUser)
		}
		for _, id := range c.GoogleAds.CustomerIDs {
			// Steady accounts follow a weekly pattern with little noise, as
			// real accounts do, so the anomaly rule stays quiet on them
			// until a scenario or a test reshapes their days.
			id = strings.ReplaceAll(id, "-", "")
			if err := u.ads.AddAccount(googleadsfake.Account{CustomerID: id, Managers: []string{login}, Steady: true}); err != nil {
				s.log.Warn("sandbox: google ads account skipped", "client", c.ID, "err", err)
			}
		}
		for _, p := range c.SearchConsole.Properties {
			if err := u.gsc.AddSite(searchconsolefake.Site{URL: p, Owners: []string{GoogleUser}}); err != nil {
				s.log.Warn("sandbox: search console property skipped", "client", c.ID, "err", err)
			}
		}
	}
	return u
}

// tokenTTL keeps access tokens valid for the whole of a simulated run:
// clients cache tokens by their own clock, which a demo may move fast.
func tokenTTL(clk clock.Clock) time.Duration {
	if _, real := clk.(clock.Real); real {
		return time.Hour
	}
	return 365 * 24 * time.Hour
}

func (googleUpstream) Name() string { return "google" }

func (u googleUpstream) Mount(m *Mux) {
	m.API("/oauth2/", http.StripPrefix("/oauth2", u.oauth.Handler()))
	m.API(googleAdsPrefix+"/", http.StripPrefix(googleAdsPrefix, u.ads.Handler()))
	m.API("/webmasters/", u.gsc.Handler())
	m.Inspect("ads/requests", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, u.ads.Requests())
	}))
	m.Inspect("searchconsole/requests", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, u.gsc.Requests())
	}))
}

// GoogleConfig is the connections.google block pointing at the sandbox at
// baseURL (as Start returned it), with the fakes' credentials.
func GoogleConfig(baseURL string) google.Config {
	base := strings.TrimRight(baseURL, "/")
	c := google.DefaultConfig()
	c.TokenURL = base + googleTokenPath
	c.OAuth = google.OAuth{ClientID: GoogleClientID, ClientSecret: secret.Secret(GoogleClientSecret),
		RefreshToken: secret.Secret(GoogleRefreshToken)}
	c.Ads.DeveloperToken = secret.Secret(GoogleDeveloperToken)
	c.Ads.BaseURL = base + googleAdsPrefix + "/"
	c.SearchConsoleBaseURL = base + "/"
	c.SheetsBaseURL = base + "/"
	c.DriveBaseURL = base + "/drive/v3/"
	c.Drive.SharedDriveID = SandboxSharedDrive
	return c
}
