package sandbox

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors"
)

// ConfigOptions are the parts of the written agency config that depend on
// where the daemon runs rather than on the sandbox.
type ConfigOptions struct {
	// DataDir is store.data_dir (SQLite); required, because a sandbox run
	// should never write into the production default.
	DataDir string
	// Listen is server.listen; default ":9090".
	Listen string
	// SlackMode is connections.slack.mode: "socket" (default) or "events",
	// to match Options.SlackEventsURL.
	SlackMode string
	// FAQ, when set, is agency.faq: the answer base's path, relative to
	// the config file. The caller writes the file (configs.ExampleFAQ).
	FAQ string
}

// The written config's own shape, kept here rather than taken from
// package configs: configs.Config marshals secrets as "<redacted>", and this
// file has to carry the fakes' (fake) credentials. A test parses the output
// with configs.Parse, so the two cannot drift apart unnoticed.
type configFile struct {
	Agency      configAgency        `yaml:"agency"`
	Server      map[string]string   `yaml:"server"`
	Log         map[string]string   `yaml:"log"`
	Store       map[string]string   `yaml:"store"`
	People      []connectors.Person `yaml:"people"`
	Clients     []connectors.Client `yaml:"clients"`
	Connections configConnections   `yaml:"connections"`
}

type configAgency struct {
	Name                   string                          `yaml:"name"`
	Timezone               string                          `yaml:"timezone"`
	Language               connectors.Language             `yaml:"language"`
	SlackTeamID            string                          `yaml:"slack_team_id"`
	HolidayCalendars       map[string][]connectors.Holiday `yaml:"holiday_calendars,omitempty"`
	DefaultHolidayCalendar string                          `yaml:"default_holiday_calendar,omitempty"`
	FAQ                    string                          `yaml:"faq,omitempty"`
}

type configConnections struct {
	Jira   configJira   `yaml:"jira"`
	Slack  configSlack  `yaml:"slack"`
	Google configGoogle `yaml:"google"`
}

// configGoogle mirrors connections.google with plain strings: the config
// types print secrets as <redacted>, and this file must carry the fakes'.
type configGoogle struct {
	OAuth struct {
		ClientID     string `yaml:"client_id"`
		ClientSecret string `yaml:"client_secret"`
		RefreshToken string `yaml:"refresh_token"`
	} `yaml:"oauth"`
	TokenURL string `yaml:"token_url"`
	Ads      struct {
		DeveloperToken string `yaml:"developer_token"`
		APIVersion     string `yaml:"api_version"`
		BaseURL        string `yaml:"base_url"`
	} `yaml:"ads"`
	SearchConsoleBaseURL string `yaml:"search_console_base_url"`
	SheetsBaseURL        string `yaml:"sheets_base_url"`
	DriveBaseURL         string `yaml:"drive_base_url"`
	Drive                struct {
		SharedDriveID string `yaml:"shared_drive_id"`
	} `yaml:"drive"`
}

func newConfigGoogle(baseURL string, creds Credentials) configGoogle {
	g := GoogleConfig(baseURL)
	g.OAuth.ClientSecret = secret.Secret(creds.GoogleClientSecret)
	g.OAuth.RefreshToken = secret.Secret(creds.GoogleRefreshToken)
	g.Ads.DeveloperToken = secret.Secret(creds.GoogleDeveloperToken)
	var c configGoogle
	c.OAuth.ClientID = g.OAuth.ClientID
	c.OAuth.ClientSecret = g.OAuth.ClientSecret.Reveal()
	c.OAuth.RefreshToken = g.OAuth.RefreshToken.Reveal()
	c.TokenURL = g.TokenURL
	c.Ads.DeveloperToken = g.Ads.DeveloperToken.Reveal()
	c.Ads.APIVersion = g.Ads.APIVersion
	c.Ads.BaseURL = g.Ads.BaseURL
	c.SearchConsoleBaseURL = g.SearchConsoleBaseURL
	c.SheetsBaseURL, c.DriveBaseURL = g.SheetsBaseURL, g.DriveBaseURL
	c.Drive.SharedDriveID = g.Drive.SharedDriveID
	return c
}

type configJira struct {
	BaseURL  string `yaml:"base_url"`
	Email    string `yaml:"email"`
	APIToken string `yaml:"api_token"`
	// WebhookSecret is empty (and left out) unless the sandbox was given one.
	WebhookSecret string `yaml:"webhook_secret,omitempty"`
}

type configSlack struct {
	BotToken      string `yaml:"bot_token"`
	AppToken      string `yaml:"app_token"`
	SigningSecret string `yaml:"signing_secret"`
	Mode          string `yaml:"mode"`
	APIURL        string `yaml:"api_url"`
}

const holidayCalendar = "agency"

// Config writes an agency.yaml whose people and clients are the scenario's
// and whose every connection points at the sandbox at baseURL (as Start
// returned it), with the fakes' credentials: ready for `liaison run` and
// `liaison sync --once`. Rules and delivery keep their defaults. Relative
// dates are resolved against the sandbox's start.
func (s *Sandbox) Config(baseURL string, o ConfigOptions) ([]byte, error) {
	if o.DataDir == "" {
		return nil, fmt.Errorf("writing sandbox config: store data_dir is required")
	}
	if o.Listen == "" {
		o.Listen = ":9090"
	}
	if o.SlackMode == "" {
		o.SlackMode = "socket"
	}
	baseURL = strings.TrimRight(baseURL, "/")
	sc := s.sc
	cf := configFile{
		Agency: configAgency{Name: sc.Agency.Name, Timezone: sc.Agency.Timezone, Language: sc.Agency.Language,
			SlackTeamID: sc.Agency.Slack.ID, FAQ: o.FAQ},
		Server: map[string]string{"listen": o.Listen},
		Log:    map[string]string{"level": "info", "format": "text"},
		Store:  map[string]string{"driver": "sqlite", "data_dir": o.DataDir},
		Connections: configConnections{
			Jira: configJira{BaseURL: baseURL, Email: s.creds.JiraEmail, APIToken: s.creds.JiraToken, WebhookSecret: s.creds.JiraWebhookSecret},
			Slack: configSlack{BotToken: s.creds.SlackBotToken, AppToken: s.creds.SlackAppToken,
				SigningSecret: s.creds.SlackSigningSecret, Mode: o.SlackMode, APIURL: baseURL + "/api/"},
			Google: newConfigGoogle(baseURL, s.creds),
		},
	}
	agencyLoc, _ := time.LoadLocation(sc.Agency.Timezone)
	if len(sc.Agency.Holidays) > 0 {
		seen := map[string]bool{}
		var days []connectors.Holiday
		for _, h := range sc.Agency.Holidays {
			d, err := resolveDate(h.Date, s.start.In(agencyLoc))
			if err != nil || seen[d] {
				continue // relative holidays can land on the same day; the loader refuses duplicates
			}
			seen[d] = true
			days = append(days, connectors.Holiday{Date: d, Name: h.Name})
		}
		cf.Agency.HolidayCalendars = map[string][]connectors.Holiday{holidayCalendar: days}
		cf.Agency.DefaultHolidayCalendar = holidayCalendar
	}
	for _, p := range sc.People {
		cf.People = append(cf.People, p.Person)
	}
	for i := range sc.Clients {
		c, err := s.configClient(&sc.Clients[i])
		if err != nil {
			return nil, err
		}
		cf.Clients = append(cf.Clients, c)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Agency config for the Liaison sandbox at %s, written %s.\n", baseURL, s.start.UTC().Format(time.RFC3339))
	buf.WriteString("# Every connection points at the sandbox; the credentials are the fakes' own.\n")
	buf.WriteString("# Run the daemon against it with:  liaison run -config THIS_FILE\n\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cf); err != nil {
		return nil, fmt.Errorf("writing sandbox config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing sandbox config: %w", err)
	}
	return buf.Bytes(), nil
}

// configClient turns a scenario client into agency.yaml's: channel ids,
// contacts with their Slack ids, relative dates resolved in the client's
// zone.
func (s *Sandbox) configClient(c *Client) (connectors.Client, error) {
	loc := s.clientZone(c)
	now := s.start.In(loc)
	out := connectors.Client{ID: c.ID, Name: c.Name, Language: c.Language, Timezone: c.Timezone,
		AccountManager: c.AccountManager, Specialists: c.Specialists, Head: c.Head, JiraProjects: c.JiraProjects,
		GoogleAds: c.GoogleAds, SearchConsole: c.SearchConsole, Report: c.Report, Billing: c.Billing}
	if c.StartDate != "" {
		d, err := resolveDate(c.StartDate, now)
		if err != nil {
			return out, fmt.Errorf("writing sandbox config: client %s: start_date: %w", c.ID, err)
		}
		out.StartDate = d
	}
	for _, ch := range c.SlackChannels {
		out.SlackChannels = append(out.SlackChannels, ch.ID)
	}
	for _, ct := range c.Contacts {
		out.Contacts = append(out.Contacts, connectors.Contact{Name: ct.Name, Email: ct.Email, SlackUserID: ct.SlackUserID})
	}
	for _, ex := range c.Exceptions {
		from, err := resolveWindowBound(ex.From, s.start, loc, false)
		if err != nil {
			return out, fmt.Errorf("writing sandbox config: client %s: exception %q: %w", c.ID, ex.Name, err)
		}
		to, err := resolveWindowBound(ex.To, s.start, loc, true)
		if err != nil {
			return out, fmt.Errorf("writing sandbox config: client %s: exception %q: %w", c.ID, ex.Name, err)
		}
		out.Exceptions = append(out.Exceptions, connectors.Exception{Name: ex.Name, From: from, To: to, Recurring: ex.Recurring})
	}
	return out, nil
}
