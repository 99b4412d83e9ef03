// Package configs loads agency.yaml, Liaison's one configuration file (plus
// an optional faq.yaml beside it): defaults, then a strict decode that
// reports every unknown key with its line, then validation with
// cross-references, collecting every problem rather than stopping at the
// first. Config blocks that belong to one part of Liaison (a rule, a
// connector, delivery) are defined next to that code; this package only
// routes them, checks how they refer to each other, and derives what the
// daemon needs (calendars, locations, per-client rule settings).
package configs

import (
	"time"

	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/rules/anomaly"
	"github.com/liaisonhq/liaison/rules/checklists"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/rules/outofhours"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/response"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// Config is a loaded, validated agency.yaml. Values that have defaults are
// filled in (a person without a timezone has the agency's), so callers read
// fields directly; derived values are behind methods.
type Config struct {
	// Agency describes the agency itself and the defaults its people and clients inherit.
	Agency Agency `yaml:"agency" jsonschema:"required"`
	// Server is the HTTP endpoint for /healthz, /readyz, /metrics and Slack events.
	Server Server `yaml:"server"`
	// Log configures logging.
	Log Log `yaml:"log"`
	// Store is where Liaison keeps its state.
	Store Store `yaml:"store"`
	// People are everyone in the agency Liaison knows about.
	People []connectors.Person `yaml:"people"`
	// Clients are the agency's clients.
	Clients []Client `yaml:"clients"`
	// Rules hold each rule's settings; a client's rules block overrides them key by key.
	Rules Rules `yaml:"rules"`
	// Delivery configures how findings reach people.
	Delivery deliver.Config `yaml:"delivery"`
	// Connections are the upstream services; an absent or empty one is simply not used.
	Connections Connections `yaml:"connections"`

	// FAQ is the answer base read from agency.faq, nil when none is configured.
	FAQ *FAQ `yaml:"-"`

	d *derived
}

// Agency describes the agency and the defaults its people and clients inherit.
type Agency struct {
	// Name is the agency's name, used in messages and reports.
	Name string `yaml:"name" jsonschema:"required"`
	// Timezone is an IANA time zone, the default for people and clients.
	Timezone string `yaml:"timezone" jsonschema:"required"`
	// Language is the default language (ru, uk or en) for people and clients; default en.
	Language connectors.Language `yaml:"language" jsonschema:"enum=ru,enum=uk,enum=en"`
	// SlackTeamID is the agency's Slack workspace id (T...); users from other teams are client-side. Required with a Slack connection.
	SlackTeamID string `yaml:"slack_team_id,omitempty"`
	// HolidayCalendars maps a calendar name to its public holidays.
	HolidayCalendars map[string][]connectors.Holiday `yaml:"holiday_calendars,omitempty"`
	// DefaultHolidayCalendar is the calendar of people who do not name one.
	DefaultHolidayCalendar string `yaml:"default_holiday_calendar,omitempty"`
	// FAQ is the path of the answer base (faq.yaml), relative to this file's directory.
	FAQ string `yaml:"faq,omitempty"`
}

// Server is the HTTP endpoint.
type Server struct {
	// Listen is the address to listen on; default ":9090".
	Listen string `yaml:"listen"`
	// Pprof serves Go's profiler at /debug/pprof/ on the same port, to
	// callers on the loopback interface only; off by default.
	Pprof bool `yaml:"pprof,omitempty"`
	// MemoryLimit is the Go runtime's soft memory limit ("80MiB", "1GiB", "off"): near it the daemon collects garbage sooner and returns freed memory to the system; default 80MiB; the GOMEMLIMIT environment variable overrides it; takes effect at start.
	MemoryLimit string `yaml:"memory_limit,omitempty"`
}

// Log configures logging.
type Log struct {
	// Level is debug, info, warn or error; default info.
	Level string `yaml:"level" jsonschema:"enum=debug,enum=info,enum=warn,enum=error"`
	// Format is text or json; default text.
	Format string `yaml:"format" jsonschema:"enum=text,enum=json"`
}

// Store drivers.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Store is where Liaison keeps its state.
type Store struct {
	// Driver is sqlite (embedded, default) or postgres (several replicas).
	Driver string `yaml:"driver" jsonschema:"enum=sqlite,enum=postgres"`
	// DataDir holds the SQLite database; default "/var/lib/liaison".
	DataDir string `yaml:"data_dir"`
	// DSN is the PostgreSQL connection string (postgres only; use ${ENV} or dsn_file).
	DSN secret.Secret `yaml:"dsn,omitempty"`
	// DSNFile is a file holding the DSN, relative to this file's directory.
	DSNFile string `yaml:"dsn_file,omitempty"`
}

// Client is a client as configured: the agency model plus per-client rule
// overrides.
type Client struct {
	connectors.Client `yaml:",inline"`
	// Rules override the top-level rules for this client; unspecified keys inherit.
	Rules RuleOverrides `yaml:"rules,omitempty"`
	// Routes pick recipients for this client's findings; they are tried before delivery.routes.
	Routes []deliver.Route `yaml:"routes,omitempty"`
}

// The delivery router reads the configuration through deliver.Directory
// (it cannot import this package, which imports it).
var _ deliver.Directory = (*Config)(nil)

// DeliveryConfig returns the delivery block; part of deliver.Directory.
func (c *Config) DeliveryConfig() deliver.Config { return c.Delivery }

// DeliveryClient returns a client and its own routes, or nil; part of
// deliver.Directory.
func (c *Config) DeliveryClient(id string) (*connectors.Client, []deliver.Route) {
	cl := c.Client(id)
	if cl == nil {
		return nil, nil
	}
	return &cl.Client, cl.Routes
}

// DeliveryPeople returns everyone, in file order; part of deliver.Directory.
func (c *Config) DeliveryPeople() []connectors.Person { return c.People }

// AgencyLocale returns the agency's language and time zone (UTC if the zone
// does not load, which validation has already reported); part of
// deliver.Directory.
func (c *Config) AgencyLocale() (connectors.Language, *time.Location) {
	loc, err := time.LoadLocation(c.Agency.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return c.Agency.Language, loc
}

// Rules holds every rule's settings.
type Rules struct {
	// Deadline watches task due dates.
	Deadline deadline.Config `yaml:"deadline"`
	// Workload watches people's load.
	Workload workload.Config `yaml:"workload"`
	// Redirect steers clients from specialists back to their account manager.
	Redirect redirect.Config `yaml:"redirect"`
	// Response watches client messages left without a reply.
	Response response.Config `yaml:"response"`
	// Questions batches forwarded client questions into Jira tasks.
	Questions questions.Config `yaml:"questions"`
	// OutOfHours answers clients who write outside the AM's hours.
	OutOfHours outofhours.Config `yaml:"outofhours"`
	// FAQ suggests answers from the answer base.
	FAQ faq.Config `yaml:"faq"`
	// Checklists create recurring Jira tasks per client.
	Checklists checklists.Config `yaml:"checklists"`
	// Anomaly alerts the AM when Google Ads or Search Console metrics move far from their usual level.
	Anomaly anomaly.Config `yaml:"anomaly"`
}

// RuleNames lists the keys of the rules block, which routes refer to.
func RuleNames() []string {
	return []string{"deadline", "workload", "redirect", "response", "questions", "outofhours", "faq", "checklists", "anomaly"}
}

// Connections are the upstream services.
type Connections struct {
	// Jira is Jira Cloud.
	Jira jira.Config `yaml:"jira,omitempty"`
	// Slack is the agency's Slack workspace.
	Slack slack.Config `yaml:"slack,omitempty"`
	// Google covers Google Ads, Search Console, Sheets and Drive.
	Google google.Config `yaml:"google,omitempty"`
}

// DefaultRules returns every rule's defaults.
func DefaultRules() Rules {
	return Rules{
		Deadline:   deadline.DefaultConfig(),
		Workload:   workload.DefaultConfig(),
		Redirect:   redirect.DefaultConfig(),
		Response:   response.DefaultConfig(),
		Questions:  questions.DefaultConfig(),
		OutOfHours: outofhours.DefaultConfig(),
		FAQ:        faq.DefaultConfig(),
		Checklists: checklists.DefaultConfig(),
		Anomaly:    anomaly.DefaultConfig(),
	}
}

// Default values the loader fills in.
const (
	DefaultListen      = ":9090"
	DefaultDataDir     = "/var/lib/liaison"
	DefaultHours       = "mon-fri 09:00-18:00"
	DefaultFinalRunDay = 5
	// DefaultReportWeekday is when a weekly report's final run happens:
	// Wednesday, once Search Console's 2–3 day lag has passed for Sunday.
	DefaultReportWeekday = "wed"
	// DefaultMemoryLimit is server.memory_limit when the file sets none.
	DefaultMemoryLimit = "80MiB"
)

// defaultConfig is what a file is decoded over.
func defaultConfig() Config {
	return Config{
		Agency:   Agency{Language: connectors.LanguageEnglish},
		Server:   Server{Listen: DefaultListen, MemoryLimit: DefaultMemoryLimit},
		Log:      Log{Level: "info", Format: "text"},
		Store:    Store{Driver: DriverSQLite, DataDir: DefaultDataDir},
		Rules:    DefaultRules(),
		Delivery: deliver.DefaultConfig(),
		Connections: Connections{
			Jira:   jira.DefaultConfig(),
			Slack:  slack.DefaultConfig(),
			Google: google.DefaultConfig(),
		},
	}
}
