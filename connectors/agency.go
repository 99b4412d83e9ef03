package connectors

// Role is what a person does in the agency; routing and rules branch on it.
type Role string

// The roles Liaison knows.
const (
	RoleAccountManager Role = "account_manager"
	RoleSpecialist     Role = "specialist"
	RoleHead           Role = "head"
	RoleFinance        Role = "finance"
)

// Roles lists every valid role, in the order documentation shows them.
func Roles() []Role {
	return []Role{RoleAccountManager, RoleSpecialist, RoleHead, RoleFinance}
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, v := range Roles() {
		if r == v {
			return true
		}
	}
	return false
}

// Language is a language Liaison writes to clients and people in.
type Language string

// The languages Liaison has templates for.
const (
	LanguageRussian   Language = "ru"
	LanguageUkrainian Language = "uk"
	LanguageEnglish   Language = "en"
)

// Languages lists every supported language.
func Languages() []Language {
	return []Language{LanguageRussian, LanguageUkrainian, LanguageEnglish}
}

// Valid reports whether l is a supported language.
func (l Language) Valid() bool {
	for _, v := range Languages() {
		if l == v {
			return true
		}
	}
	return false
}

// Person is someone in the agency: an account manager, a specialist, the
// head of accounts or finance.
type Person struct {
	// ID is the stable identifier other keys refer to (lowercase letters, digits, '.', '_', '-').
	ID string `yaml:"id" jsonschema:"required"`
	// Name is the person's display name.
	Name string `yaml:"name" jsonschema:"required"`
	// Email is a bare address (no display name), used for sharing report sheets.
	Email string `yaml:"email" jsonschema:"required"`
	// Role is one of account_manager, specialist, head, finance.
	Role Role `yaml:"role" jsonschema:"required,enum=account_manager,enum=specialist,enum=head,enum=finance"`
	// Specialty is a specialist's field in lowercase (seo, ppc, content, analytics...); required for specialists.
	Specialty string `yaml:"specialty,omitempty"`
	// SlackUserID is the member id in the agency's Slack (U... or W...).
	SlackUserID string `yaml:"slack_user_id" jsonschema:"required"`
	// JiraAccountID is the Atlassian account id; required for specialists, who are assigned tasks.
	JiraAccountID string `yaml:"jira_account_id,omitempty"`
	// Timezone is an IANA time zone; defaults to agency.timezone.
	Timezone string `yaml:"timezone,omitempty"`
	// Language is the language Liaison writes to this person in; defaults to agency.language.
	Language Language `yaml:"language,omitempty" jsonschema:"enum=ru,enum=uk,enum=en"`
	// Hours are weekly schedule lines such as "mon-fri 09:00-13:00,14:00-18:00"; default "mon-fri 09:00-18:00".
	Hours []string `yaml:"hours,omitempty"`
	// HolidayCalendar names one of agency.holiday_calendars; defaults to agency.default_holiday_calendar.
	HolidayCalendar string `yaml:"holiday_calendar,omitempty"`
	// Vacations are inclusive ranges of days off.
	Vacations []Vacation `yaml:"vacations,omitempty"`
	// Capacity bounds this person's load; unset limits fall back to rules.workload.
	Capacity Capacity `yaml:"capacity,omitempty"`
}

// Vacation is an inclusive range of days off, as dates in the person's time zone.
type Vacation struct {
	// From is the first day off (YYYY-MM-DD).
	From string `yaml:"from" jsonschema:"required,format=date"`
	// To is the last day off (YYYY-MM-DD), not before From.
	To string `yaml:"to" jsonschema:"required,format=date"`
}

// Capacity bounds a person's load; zero means "use the rules.workload default".
type Capacity struct {
	// MaxClients is how many active clients an account manager can lead.
	MaxClients int `yaml:"max_clients,omitempty" jsonschema:"minimum=0"`
	// MaxOpenTasks is how many open tasks a specialist can hold.
	MaxOpenTasks int `yaml:"max_open_tasks,omitempty" jsonschema:"minimum=0"`
	// MaxUtilization is the share of a specialist's working hours that estimates may fill, in (0, 1].
	MaxUtilization float64 `yaml:"max_utilization,omitempty" jsonschema:"minimum=0,maximum=1"`
}

// Client is one of the agency's clients and the accounts Liaison watches for it.
type Client struct {
	// ID is the stable identifier (lowercase letters, digits, '.', '_', '-').
	ID string `yaml:"id" jsonschema:"required"`
	// Name is the client's display name.
	Name string `yaml:"name" jsonschema:"required"`
	// Language is the language of messages and reports to the client; defaults to agency.language.
	Language Language `yaml:"language,omitempty" jsonschema:"enum=ru,enum=uk,enum=en"`
	// Timezone is an IANA time zone for due dates and exception windows; defaults to agency.timezone.
	Timezone string `yaml:"timezone,omitempty"`
	// AccountManager is the id of the one person (role account_manager) who leads the client.
	AccountManager string `yaml:"account_manager" jsonschema:"required"`
	// Specialists are ids of people with role specialist who work on the client.
	Specialists []string `yaml:"specialists,omitempty"`
	// Head is the id of the head of accounts for escalations; defaults to the only person with role head.
	Head string `yaml:"head,omitempty"`
	// StartDate is the first day of work for the client (YYYY-MM-DD); on_start checklists run from it.
	StartDate string `yaml:"start_date,omitempty" jsonschema:"format=date"`
	// JiraProjects are the keys of the client's Jira projects; a project belongs to one client.
	JiraProjects []string `yaml:"jira_projects,omitempty"`
	// SlackChannels are ids (C... or G...) of the client's shared channels; a channel belongs to one client.
	SlackChannels []string `yaml:"slack_channels,omitempty"`
	// Contacts are the client's people; Liaison treats their messages as client messages.
	Contacts []Contact `yaml:"contacts,omitempty"`
	// GoogleAds lists the client's Google Ads accounts.
	GoogleAds GoogleAds `yaml:"google_ads,omitempty"`
	// SearchConsole lists the client's Search Console properties.
	SearchConsole SearchConsole `yaml:"search_console,omitempty"`
	// Report says who receives the client's report and when it is final.
	Report Report `yaml:"report,omitempty"`
	// Billing holds what invoices are computed from.
	Billing Billing `yaml:"billing,omitempty"`
	// Exceptions are windows in which the client may talk to specialists directly (times in the client's time zone).
	Exceptions []Exception `yaml:"exceptions,omitempty"`
}

// Contact is a person on the client's side.
type Contact struct {
	// Name is the contact's display name.
	Name string `yaml:"name" jsonschema:"required"`
	// Email is a bare address; report sheets are shared with it as reader.
	Email string `yaml:"email,omitempty"`
	// SlackUserID identifies the contact in a shared channel (U... or W...).
	SlackUserID string `yaml:"slack_user_id,omitempty"`
}

// GoogleAds lists a client's Google Ads accounts.
type GoogleAds struct {
	// CustomerIDs are account ids, "123-456-7890" or ten digits; the loader normalises them to digits.
	CustomerIDs []string `yaml:"customer_ids,omitempty"`
	// LoginCustomerID is the manager account the agency signs in through (sent as login-customer-id).
	LoginCustomerID string `yaml:"login_customer_id,omitempty"`
	// MonthlyBudget is the client's Google Ads budget for a calendar month over all its accounts, in the billing currency; spend pacing away from it alerts the AM.
	MonthlyBudget float64 `yaml:"monthly_budget,omitempty" jsonschema:"minimum=0"`
}

// SearchConsole lists a client's Search Console properties.
type SearchConsole struct {
	// Properties are URL-prefix properties ("https://example.com/") or domain properties ("sc-domain:example.com").
	Properties []string `yaml:"properties,omitempty"`
}

// Report period values.
const (
	PeriodMonthly = "monthly"
	PeriodWeekly  = "weekly"
)

// Report says who receives a client's report and when its final run happens.
type Report struct {
	// Recipients are bare email addresses the report sheet is shared with as reader.
	Recipients []string `yaml:"recipients,omitempty"`
	// Period is monthly or weekly; default monthly.
	Period string `yaml:"period,omitempty" jsonschema:"enum=monthly,enum=weekly"`
	// FinalRunDay is the day of the month (1..28) of the final monthly run, since data arrives late; default 5.
	FinalRunDay int `yaml:"final_run_day,omitempty" jsonschema:"minimum=1,maximum=28"`
	// Weekday is the day (mon..sun) after a week closes on which a weekly report's final run happens; default wed.
	Weekday string `yaml:"weekday,omitempty" jsonschema:"enum=mon,enum=tue,enum=wed,enum=thu,enum=fri,enum=sat,enum=sun"`
	// PostToClientChannel also announces the final report in the client's first Slack channel, in the client's language.
	PostToClientChannel bool `yaml:"post_to_client_channel,omitempty"`
}

// Billing holds what a client's invoice data is computed from.
type Billing struct {
	// Currency is an ISO 4217 code such as USD, EUR, UAH.
	Currency string `yaml:"currency,omitempty" jsonschema:"pattern=^[A-Z]{3}$"`
	// Rates are hourly rates for worklogged time.
	Rates Rates `yaml:"rates,omitempty"`
	// Retainer is a fixed monthly amount.
	Retainer float64 `yaml:"retainer,omitempty" jsonschema:"minimum=0"`
	// AdsManagementFeePct is the management fee in percent of ad spend (0..100).
	AdsManagementFeePct float64 `yaml:"ads_management_fee_pct,omitempty" jsonschema:"minimum=0,maximum=100"`
}

// Rates are hourly rates; a person's own rate wins over their role's.
type Rates struct {
	// Roles maps a role to its hourly rate.
	Roles map[Role]float64 `yaml:"roles,omitempty"`
	// People maps a person id to their hourly rate for this client.
	People map[string]float64 `yaml:"people,omitempty"`
}

// Exception is a window in which a client may talk to specialists directly:
// either fixed (From and To) or recurring, never both.
type Exception struct {
	// Name says what the window is for, e.g. "monthly planning".
	Name string `yaml:"name" jsonschema:"required"`
	// From starts a fixed window: "YYYY-MM-DD HH:MM", or "YYYY-MM-DD" for the start of that day.
	From string `yaml:"from,omitempty"`
	// To ends a fixed window: "YYYY-MM-DD HH:MM", or "YYYY-MM-DD" for the end of that day.
	To string `yaml:"to,omitempty"`
	// Recurring is a repeating window such as "first mon of month 10:00-11:00" or "every tue,thu 15:00-16:00".
	Recurring string `yaml:"recurring,omitempty"`
}

// Holiday is one public holiday of a holiday calendar.
type Holiday struct {
	// Date is the day off (YYYY-MM-DD).
	Date string `yaml:"date" jsonschema:"required,format=date"`
	// Name says which holiday it is.
	Name string `yaml:"name,omitempty"`
}
