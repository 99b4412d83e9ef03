// Package google holds the credentials and endpoints Liaison uses for
// Google's APIs: Google Ads (metrics), Search Console (metrics), Sheets
// (reports and invoice data) and Drive (sharing the sheets).
package google

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/configs/secret"
)

// Default endpoints, from Google's discovery documents and the Ads REST docs.
const (
	DefaultTokenURL             = "https://oauth2.googleapis.com/token"
	DefaultAdsBaseURL           = "https://googleads.googleapis.com/"
	DefaultAdsAPIVersion        = "v22"
	DefaultSearchConsoleBaseURL = "https://searchconsole.googleapis.com/"
	DefaultSheetsBaseURL        = "https://sheets.googleapis.com/"
	DefaultDriveBaseURL         = "https://www.googleapis.com/drive/v3/"
)

var adsVersionRE = regexp.MustCompile(`^v[0-9]+$`)

// Config is the connections.google block. Credentials are either a service
// account key or an OAuth refresh token; an absent or empty block means
// Google is not configured, which is not an error.
type Config struct {
	// ServiceAccount is a service account JSON key (use ${ENV} or service_account_file).
	ServiceAccount secret.Secret `yaml:"service_account,omitempty"`
	// ServiceAccountFile is a file holding the service account JSON key, relative to the config file's directory.
	ServiceAccountFile string `yaml:"service_account_file,omitempty"`
	// OAuth is an installed-app OAuth client with a refresh token, instead of a service account.
	OAuth OAuth `yaml:"oauth,omitempty"`
	// TokenURL is the OAuth token endpoint; default "https://oauth2.googleapis.com/token".
	TokenURL string `yaml:"token_url,omitempty" jsonschema:"format=uri"`
	// Ads configures the Google Ads API.
	Ads AdsConfig `yaml:"ads,omitempty"`
	// SearchConsoleBaseURL is the Search Console API root; default "https://searchconsole.googleapis.com/".
	SearchConsoleBaseURL string `yaml:"search_console_base_url,omitempty" jsonschema:"format=uri"`
	// SearchConsoleQueriesPerMinute is the Search Analytics quota per user Liaison paces its queries to, spread evenly over the minute; default 1200, Google's documented per-user and per-site limit.
	SearchConsoleQueriesPerMinute int `yaml:"search_console_queries_per_minute,omitempty" jsonschema:"minimum=0"`
	// SheetsBaseURL is the Sheets API root; default "https://sheets.googleapis.com/".
	SheetsBaseURL string `yaml:"sheets_base_url,omitempty" jsonschema:"format=uri"`
	// DriveBaseURL is the Drive API root; default "https://www.googleapis.com/drive/v3/".
	DriveBaseURL string `yaml:"drive_base_url,omitempty" jsonschema:"format=uri"`
	// Drive says where report spreadsheets are created. A service account has no Drive storage of its own, so with service_account it needs shared_drive_id; with oauth the files belong to the OAuth user.
	Drive DriveConfig `yaml:"drive,omitempty"`
	// Sheets sets the write quota Liaison keeps to.
	Sheets SheetsConfig `yaml:"sheets,omitempty"`
}

// DriveConfig is where report spreadsheets live.
type DriveConfig struct {
	// SharedDriveID is the shared drive the spreadsheets are created in (the id in the drive's URL); the service account must be a member with the Content manager role. Required with service_account.
	SharedDriveID string `yaml:"shared_drive_id,omitempty"`
	// FolderID is a folder for the spreadsheets: inside the shared drive when shared_drive_id is set, else in the OAuth user's My Drive. Default: the shared drive's root, or the user's My Drive.
	FolderID string `yaml:"folder_id,omitempty"`
}

// SheetsConfig is the Sheets write quota Liaison stays under, shared by
// every spreadsheet it writes.
type SheetsConfig struct {
	// WritesPerMinutePerUser is Sheets' write quota per user per minute; default 60.
	WritesPerMinutePerUser int `yaml:"writes_per_minute_per_user,omitempty"`
	// WritesPerMinute is Sheets' write quota per project per minute; default 300.
	WritesPerMinute int `yaml:"writes_per_minute,omitempty"`
}

// DefaultAdsRequestsPerSecond is the pace of Ads searchStream calls when
// the config sets none. Google documents rate limits per developer token
// and per account in queries per second but publishes no figure (they
// vary with server load); ten a second is this project's choice, well
// under what a Basic-access token meets in practice.
const DefaultAdsRequestsPerSecond = 10

// DefaultSearchConsoleQueriesPerMinute is Search Console's documented
// Search Analytics quota per user and per site.
const DefaultSearchConsoleQueriesPerMinute = 1200

// Default Sheets write quotas (Google's defaults for a project).
const (
	DefaultSheetsWritesPerMinutePerUser = 60
	DefaultSheetsWritesPerMinute        = 300
)

// OAuth is an OAuth client and the refresh token it was granted.
type OAuth struct {
	// ClientID is the OAuth client id.
	ClientID string `yaml:"client_id,omitempty"`
	// ClientSecret is the OAuth client secret.
	ClientSecret secret.Secret `yaml:"client_secret,omitempty"`
	// ClientSecretFile is a file holding the client secret.
	ClientSecretFile string `yaml:"client_secret_file,omitempty"`
	// RefreshToken is the long-lived refresh token.
	RefreshToken secret.Secret `yaml:"refresh_token,omitempty"`
	// RefreshTokenFile is a file holding the refresh token.
	RefreshTokenFile string `yaml:"refresh_token_file,omitempty"`
}

// AdsConfig configures the Google Ads REST API.
type AdsConfig struct {
	// DeveloperToken is the agency's Ads API developer token (sent as developer-token).
	DeveloperToken secret.Secret `yaml:"developer_token,omitempty"`
	// DeveloperTokenFile is a file holding the developer token.
	DeveloperTokenFile string `yaml:"developer_token_file,omitempty"`
	// APIVersion is the API version in request paths; Google sunsets versions yearly. Default "v22".
	APIVersion string `yaml:"api_version,omitempty"`
	// BaseURL is the Ads API root; default "https://googleads.googleapis.com/".
	BaseURL string `yaml:"base_url,omitempty" jsonschema:"format=uri"`
	// RequestsPerSecond is the pace of searchStream calls under the developer token, with a bucket of one second's worth. Google meters queries per second per developer token and per account without publishing the limits; default 10.
	RequestsPerSecond float64 `yaml:"requests_per_second,omitempty" jsonschema:"minimum=0"`
}

// DefaultConfig returns the defaults a google block is decoded over.
func DefaultConfig() Config {
	return Config{
		TokenURL:             DefaultTokenURL,
		Ads:                  AdsConfig{APIVersion: DefaultAdsAPIVersion, BaseURL: DefaultAdsBaseURL},
		SearchConsoleBaseURL: DefaultSearchConsoleBaseURL,
		SheetsBaseURL:        DefaultSheetsBaseURL,
		DriveBaseURL:         DefaultDriveBaseURL,
		Sheets: SheetsConfig{WritesPerMinutePerUser: DefaultSheetsWritesPerMinutePerUser,
			WritesPerMinute: DefaultSheetsWritesPerMinute},
	}
}

var driveIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{6,}$`)

// ServiceAccountWithoutSharedDrive reports whether spreadsheets would be
// created by a service account outside a shared drive, which Drive
// refuses (403 storageQuotaExceeded).
func (c Config) ServiceAccountWithoutSharedDrive() bool {
	return c.serviceAccount() && c.Drive.SharedDriveID == ""
}

func (c Config) serviceAccount() bool { return c.ServiceAccount.IsSet() || c.ServiceAccountFile != "" }

// StorageNote says where report spreadsheets are created with these
// credentials, for `liaison check-config`; "" when Google is not
// configured.
func (c Config) StorageNote() string {
	where := "in shared drive " + c.Drive.SharedDriveID
	if c.Drive.FolderID != "" {
		where += ", folder " + c.Drive.FolderID
	}
	switch {
	case !c.Configured():
		return ""
	case c.serviceAccount() && c.Drive.SharedDriveID != "":
		return "reports: the service account creates spreadsheets " + where + " (it must be a Content manager of the drive)"
	case c.serviceAccount():
		return "reports: a service account has no Drive storage; set connections.google.drive.shared_drive_id"
	case c.Drive.SharedDriveID != "":
		return "reports: the OAuth user creates spreadsheets " + where + " (the user must be a member of the drive)"
	case c.Drive.FolderID != "":
		return "reports: spreadsheets belong to the OAuth user, in folder " + c.Drive.FolderID + " of the user's Drive"
	}
	return "reports: spreadsheets belong to the OAuth user, in the root of the user's My Drive"
}

func (o OAuth) given() bool {
	return o.ClientID != "" || o.ClientSecret.IsSet() || o.ClientSecretFile != "" ||
		o.RefreshToken.IsSet() || o.RefreshTokenFile != ""
}

// Configured reports whether credentials (a service account or OAuth) are given.
func (c Config) Configured() bool {
	return c.ServiceAccount.IsSet() || c.ServiceAccountFile != "" || c.OAuth.given()
}

// AdsConfigured reports whether the Ads API can be used: Google credentials
// plus a developer token.
func (c Config) AdsConfigured() bool {
	return c.Configured() && c.Ads.DeveloperToken.IsSet()
}

// Validate checks the block without contacting Google. The service account
// key is checked for shape only and never quoted.
func (c Config) Validate() error {
	var l field.List
	for _, u := range []struct{ key, val string }{
		{"token_url", c.TokenURL},
		{"ads.base_url", c.Ads.BaseURL},
		{"search_console_base_url", c.SearchConsoleBaseURL},
		{"sheets_base_url", c.SheetsBaseURL},
		{"drive_base_url", c.DriveBaseURL},
	} {
		if err := field.CheckBaseURL(u.val); err != nil {
			l.Add(u.key, "%v", err)
		}
	}
	for _, d := range []struct{ key, val string }{
		{"drive.shared_drive_id", c.Drive.SharedDriveID},
		{"drive.folder_id", c.Drive.FolderID},
	} {
		if d.val != "" && !driveIDRE.MatchString(d.val) {
			l.Add(d.key, "%q is not a Drive id (the letters, digits, - and _ after /folders/ in the drive's or folder's URL)", d.val)
		}
	}
	if c.Sheets.WritesPerMinutePerUser < 1 {
		l.Add("sheets.writes_per_minute_per_user", "must be at least 1")
	}
	if c.Sheets.WritesPerMinute < c.Sheets.WritesPerMinutePerUser {
		l.Add("sheets.writes_per_minute", "must be at least writes_per_minute_per_user (%d)", c.Sheets.WritesPerMinutePerUser)
	}
	if c.Ads.RequestsPerSecond < 0 {
		l.Add("ads.requests_per_second", "must not be negative (0 takes the default, %d)", DefaultAdsRequestsPerSecond)
	}
	if c.SearchConsoleQueriesPerMinute < 0 {
		l.Add("search_console_queries_per_minute", "must not be negative (0 takes the default, %d)", DefaultSearchConsoleQueriesPerMinute)
	}
	if !adsVersionRE.MatchString(c.Ads.APIVersion) {
		l.Add("ads.api_version", "must look like v22, not %q", c.Ads.APIVersion)
	}
	if !c.Configured() {
		if c.Ads.DeveloperToken.IsSet() {
			l.Add("ads.developer_token", "needs Google credentials: service_account or oauth")
		}
		return l.Err()
	}
	if c.ServiceAccount.IsSet() && c.OAuth.given() {
		l.Add("oauth", "give either service_account or oauth, not both")
	}
	if c.ServiceAccountWithoutSharedDrive() {
		l.Add("drive.shared_drive_id", "is required with service_account: a service account has no Drive storage, so report spreadsheets must be created in a shared drive it is a member of (Content manager); or use oauth, whose user then owns the files")
	}
	if c.ServiceAccount.IsSet() {
		var key struct {
			Type        string `json:"type"`
			ClientEmail string `json:"client_email"`
			PrivateKey  string `json:"private_key"`
		}
		if err := json.Unmarshal([]byte(c.ServiceAccount.Reveal()), &key); err != nil {
			l.Add("service_account", "is not a JSON service account key")
		} else if key.Type != "service_account" || key.ClientEmail == "" || !strings.Contains(key.PrivateKey, "PRIVATE KEY") {
			l.Add("service_account", "is not a service account key (needs type service_account, client_email and private_key)")
		}
	}
	if c.OAuth.given() {
		if c.OAuth.ClientID == "" {
			l.Add("oauth.client_id", "is required")
		}
		if !c.OAuth.ClientSecret.IsSet() {
			l.Add("oauth.client_secret", "is required (or client_secret_file)")
		}
		if !c.OAuth.RefreshToken.IsSet() {
			l.Add("oauth.refresh_token", "is required (or refresh_token_file)")
		}
	}
	return l.Err()
}
