package configs

import (
	"strings"
	"testing"
	"testing/fstest"
)

// baseConfig is a small valid config that each case breaks in one place.
const baseConfig = `agency:
  name: Test Agency
  timezone: Europe/Kyiv
  language: en
  slack_team_id: T0TESTTEAM
  holiday_calendars:
    ua:
      - {date: 2026-01-01, name: New Year}
  default_holiday_calendar: ua
people:
  - id: head
    name: Hanna Head
    email: head@agency.example
    role: head
    slack_user_id: U0HEAD0001
  - id: am
    name: Andriy Am
    email: am@agency.example
    role: account_manager
    slack_user_id: U0AM000001
    hours: ["mon-fri 09:00-18:00"]
    capacity: {max_clients: 5}
  - id: seo
    name: Sofia Seo
    email: seo@agency.example
    role: specialist
    specialty: seo
    slack_user_id: U0SEO00001
    jira_account_id: "712020:abc"
    vacations:
      - {from: 2026-08-01, to: 2026-08-10}
    capacity: {max_open_tasks: 10, max_utilization: 0.8}
  - id: fin
    name: Fedir Fin
    email: fin@agency.example
    role: finance
    slack_user_id: U0FIN00001
clients:
  - id: acme
    name: Acme
    language: en
    timezone: America/New_York
    account_manager: am
    specialists: [seo]
    start_date: 2026-01-15
    jira_projects: [ACME]
    slack_channels: [C0ACME0001]
    contacts:
      - {name: Carl Client, email: carl@acme.example, slack_user_id: U0CARL0001}
    google_ads:
      customer_ids: ["123-456-7890"]
      login_customer_id: "1112223333"
    search_console:
      properties: ["https://acme.example/", "sc-domain:acme.example"]
    report:
      recipients: [carl@acme.example]
      period: monthly
      final_run_day: 5
    billing:
      currency: USD
      rates: {roles: {specialist: 50}, people: {seo: 60}}
      retainer: 1000
      ads_management_fee_pct: 10
    exceptions:
      - {name: planning, recurring: "first mon of month 10:00-11:00"}
      - {name: launch, from: "2026-03-02 09:00", to: "2026-03-02 18:00"}
  - id: beta
    name: Beta
    account_manager: am
    jira_projects: [BETA]
    slack_channels: [C0BETA0001]
rules:
  checklists:
    lists:
      monthly:
        items: [Check data]
        assignee_role: account_manager
        due_offset_days: 2
        schedule: monthly:1
delivery:
  routes:
    - rule: deadline
      severity: critical
      recipients: [account_manager, "channel:C0ALERTS01"]
      escalate_to: [head]
      escalate_after: 8h
`

func TestBaseConfigIsValid(t *testing.T) {
	if _, err := Parse("base.yaml", []byte(baseConfig), envOf(nil)); err != nil {
		t.Fatalf("base config invalid:\n%v", err)
	}
}

// edit is one change to the base config.
type edit struct{ old, new string }

func TestValidationProblems(t *testing.T) {
	const conn = "connections:\n"
	cases := []struct {
		name  string
		edits []edit
		// path and msg (a substring) of the one expected problem.
		path, msg string
		// at, when set, is text on the line the problem must point to.
		at string
		// files are extra files (relative to the config's directory "cfg").
		files map[string]string
		env   map[string]string
		// also is another problem the case rightly causes (path: message substring).
		also string
	}{
		// agency
		{name: "agency name missing", edits: []edit{{"  name: Test Agency\n", ""}}, path: "agency.name", msg: "is required", at: "agency:"},
		{name: "agency timezone unknown", edits: []edit{{"timezone: Europe/Kyiv", "timezone: Europe/Kiev2"}}, path: "agency.timezone", msg: `unknown time zone "Europe/Kiev2"`, at: "Europe/Kiev2"},
		{name: "agency timezone Local", edits: []edit{{"timezone: Europe/Kyiv", "timezone: Local"}}, path: "agency.timezone", msg: "must name a zone"},
		{name: "agency language", edits: []edit{{"  language: en\n  slack", "  language: de\n  slack"}}, path: "agency.language", msg: `must be ru, uk or en, not "de"`, at: "language: de"},
		{name: "slack team id", edits: []edit{{"T0TESTTEAM", "team-1"}}, path: "agency.slack_team_id", msg: "not a Slack team id"},
		{name: "holiday date", edits: []edit{{"{date: 2026-01-01, name", "{date: 2026-13-01, name"}}, path: "agency.holiday_calendars.ua[0].date", msg: "is not a date", at: "2026-13-01"},
		{name: "holiday duplicate", edits: []edit{{"      - {date: 2026-01-01, name: New Year}\n", "      - {date: 2026-01-01, name: New Year}\n      - {date: 2026-01-01, name: Again}\n"}}, path: "agency.holiday_calendars.ua[1].date", msg: "already listed", at: "Again"},
		{name: "holiday calendar name", edits: []edit{{"    ua:\n", "    UA:\n"}, {"default_holiday_calendar: ua", "default_holiday_calendar: UA"}}, path: "agency.holiday_calendars.UA", msg: "calendar name must be lowercase"},
		{name: "default calendar unknown", edits: []edit{{"default_holiday_calendar: ua", "default_holiday_calendar: pl"}}, path: "agency.default_holiday_calendar", msg: `no holiday calendar named "pl"`},
		{name: "faq file missing", edits: []edit{{"  default_holiday_calendar: ua\n", "  default_holiday_calendar: ua\n  faq: faq.yaml\n"}}, path: "agency.faq", msg: "reading cfg/faq.yaml: file does not exist"},

		// server, log, store
		{name: "listen", edits: []edit{{"agency:", "server: {listen: \"9090\"}\nagency:"}}, path: "server.listen", msg: "must be host:port"},
		{name: "listen port", edits: []edit{{"agency:", "server: {listen: \":http\"}\nagency:"}}, path: "server.listen", msg: "port must be a number"},
		{name: "log level", edits: []edit{{"agency:", "log: {level: verbose}\nagency:"}}, path: "log.level", msg: `not "verbose"`},
		{name: "log format", edits: []edit{{"agency:", "log: {format: xml}\nagency:"}}, path: "log.format", msg: `not "xml"`},
		{name: "store driver", edits: []edit{{"agency:", "store: {driver: mysql}\nagency:"}}, path: "store.driver", msg: "must be sqlite or postgres"},
		{name: "postgres without dsn", edits: []edit{{"agency:", "store: {driver: postgres}\nagency:"}}, path: "store.dsn", msg: "is required with driver postgres"},
		{name: "sqlite with dsn", edits: []edit{{"agency:", "store: {dsn: postgres://x}\nagency:"}}, path: "store.dsn", msg: "only with driver postgres"},

		// people
		{name: "person id duplicate", edits: []edit{{"  - id: fin\n", "  - id: seo\n"}}, path: "people[3].id", msg: `duplicate person id "seo"`, at: "- id: seo\n    name: Fedir"},
		{name: "person id pattern", edits: []edit{{"  - id: fin\n", "  - id: Fin Person\n"}, {"U0FIN00001", "U0FIN00001"}}, path: "people[3].id", msg: "must be lowercase"},
		{name: "person name", edits: []edit{{"    name: Fedir Fin\n", ""}}, path: "people[3].name", msg: "is required", at: "- id: fin"},
		{name: "person email invalid", edits: []edit{{"fin@agency.example", "fin-at-agency"}}, path: "people[3].email", msg: "not a valid email"},
		{name: "person email display name", edits: []edit{{"email: fin@agency.example", `email: "Fedir <fin@agency.example>"`}}, path: "people[3].email", msg: "bare address"},
		{name: "person email duplicate", edits: []edit{{"fin@agency.example", "SEO@agency.example"}}, path: "people[3].email", msg: "also the email of people[2]"},
		{name: "person role", edits: []edit{{"role: finance", "role: accountant"}}, path: "people[3].role", msg: `not "accountant"`, at: "role: accountant"},
		{name: "specialist without specialty", edits: []edit{{"    specialty: seo\n", ""}}, path: "people[2].specialty", msg: "is required for a specialist"},
		{name: "specialty case", edits: []edit{{"specialty: seo", "specialty: SEO"}}, path: "people[2].specialty", msg: "must be lowercase"},
		{name: "slack id missing", edits: []edit{{"    slack_user_id: U0FIN00001\n", ""}}, path: "people[3].slack_user_id", msg: "is required"},
		{name: "slack id shape", edits: []edit{{"U0FIN00001", "C0FIN00001"}}, path: "people[3].slack_user_id", msg: "not a Slack user id"},
		{name: "slack id duplicate", edits: []edit{{"U0FIN00001", "U0SEO00001"}}, path: "people[3].slack_user_id", msg: "also the Slack id of people[2]"},
		{name: "specialist without jira id", edits: []edit{{"    jira_account_id: \"712020:abc\"\n", ""}}, path: "people[2].jira_account_id", msg: "is required for a specialist"},
		{name: "jira id shape", edits: []edit{{`"712020:abc"`, `"not an id!"`}}, path: "people[2].jira_account_id", msg: "not an Atlassian account id"},
		{name: "person timezone", edits: []edit{{"    role: finance\n", "    role: finance\n    timezone: Mars/Olympus\n"}}, path: "people[3].timezone", msg: "unknown time zone", at: "Mars/Olympus"},
		{name: "person language", edits: []edit{{"    role: finance\n", "    role: finance\n    language: pl\n"}}, path: "people[3].language", msg: `not "pl"`},
		{name: "hours malformed", edits: []edit{{`hours: ["mon-fri 09:00-18:00"]`, `hours: ["mon-fri 09:00-18:00", "sat 9-14"]`}}, path: "people[1].hours[1]", msg: "", at: `"sat 9-14"`},
		{name: "hours overlap", edits: []edit{{`hours: ["mon-fri 09:00-18:00"]`, `hours: ["mon-fri 09:00-18:00", "wed 17:00-20:00"]`}}, path: "people[1].hours[1]", msg: "overlaps"},
		{name: "holiday calendar unknown", edits: []edit{{"    role: finance\n", "    role: finance\n    holiday_calendar: kz\n"}}, path: "people[3].holiday_calendar", msg: `no holiday calendar named "kz"`},
		{name: "vacation date", edits: []edit{{"from: 2026-08-01", "from: 2026-08-32"}}, path: "people[2].vacations[0].from", msg: "is not a date"},
		{name: "vacation order", edits: []edit{{"to: 2026-08-10", "to: 2026-07-10"}}, path: "people[2].vacations[0].to", msg: "is before from"},
		{name: "capacity max_clients on specialist", edits: []edit{{"{max_open_tasks: 10,", "{max_clients: 3, max_open_tasks: 10,"}}, path: "people[2].capacity.max_clients", msg: "only to account managers"},
		{name: "capacity max_open_tasks on AM", edits: []edit{{"{max_clients: 5}", "{max_clients: 5, max_open_tasks: 3}"}}, path: "people[1].capacity.max_open_tasks", msg: "only to specialists"},
		{name: "capacity utilization", edits: []edit{{"max_utilization: 0.8", "max_utilization: 1.5"}}, path: "people[2].capacity.max_utilization", msg: "must be in (0, 1]"},

		// clients: identity and team
		{name: "client id duplicate", edits: []edit{{"  - id: beta\n", "  - id: acme\n"}}, path: "clients[1].id", msg: `duplicate client id "acme"`},
		{name: "client name", edits: []edit{{"    name: Beta\n", ""}}, path: "clients[1].name", msg: "is required"},
		{name: "client language", edits: []edit{{"    language: en\n    timezone: America", "    language: es\n    timezone: America"}}, path: "clients[0].language", msg: `not "es"`},
		{name: "client timezone", edits: []edit{{"America/New_York", "America/Gotham"}}, path: "clients[0].timezone", msg: "unknown time zone"},
		{name: "AM missing", edits: []edit{{"    account_manager: am\n    jira_projects: [BETA]", "    jira_projects: [BETA]"}}, path: "clients[1].account_manager", msg: "exactly one account manager", at: "- id: beta"},
		{name: "AM not a person", edits: []edit{{"    account_manager: am\n    jira_projects: [BETA]", "    account_manager: ghost\n    jira_projects: [BETA]"}}, path: "clients[1].account_manager", msg: `no person with id "ghost"`, at: "ghost"},
		{name: "AM wrong role", edits: []edit{{"    account_manager: am\n    jira_projects: [BETA]", "    account_manager: seo\n    jira_projects: [BETA]"}}, path: "clients[1].account_manager", msg: "seo has role specialist, not account_manager"},
		{name: "specialist unknown", edits: []edit{{"specialists: [seo]", "specialists: [seo, ppc]"}}, path: "clients[0].specialists[1]", msg: `no person with id "ppc"`},
		{name: "specialist wrong role", edits: []edit{{"specialists: [seo]", "specialists: [seo, am]"}}, path: "clients[0].specialists[1]", msg: "am has role account_manager, not specialist"},
		{name: "specialist twice", edits: []edit{{"specialists: [seo]", "specialists: [seo, seo]"}}, path: "clients[0].specialists[1]", msg: "listed twice"},
		{name: "head wrong role", edits: []edit{{"    account_manager: am\n    specialists", "    account_manager: am\n    head: fin\n    specialists"}}, path: "clients[0].head", msg: "fin has role finance, not head"},
		{name: "head ambiguous", edits: []edit{{"role: finance", "role: head"}, {"account_manager: am\n    specialists", "account_manager: am\n    head: head\n    specialists"}}, path: "clients[1].head", msg: "several people have role head (head, fin)"},
		{name: "start date", edits: []edit{{"start_date: 2026-01-15", "start_date: 15.01.2026"}}, path: "clients[0].start_date", msg: "is not a date"},

		// clients: accounts
		{name: "jira project key", edits: []edit{{"[BETA]", "[beta]"}}, path: "clients[1].jira_projects[0]", msg: "not a Jira project key"},
		{name: "jira project shared", edits: []edit{{"[BETA]", "[ACME]"}}, path: "clients[1].jira_projects[0]", msg: "already listed at clients[0].jira_projects[0]"},
		{name: "slack channel shape", edits: []edit{{"[C0BETA0001]", "[\"#beta\"]"}}, path: "clients[1].slack_channels[0]", msg: "not a Slack channel id"},
		{name: "slack channel shared", edits: []edit{{"[C0BETA0001]", "[C0ACME0001]"}}, path: "clients[1].slack_channels[0]", msg: "already listed"},
		{name: "contact email", edits: []edit{{"email: carl@acme.example,", "email: carl,"}}, path: "clients[0].contacts[0].email", msg: "not a valid email"},
		{name: "contact unrecognisable", edits: []edit{{"{name: Carl Client, email: carl@acme.example, slack_user_id: U0CARL0001}", "{name: Carl Client}"}}, path: "clients[0].contacts[0]", msg: "needs an email or a slack_user_id"},
		{name: "contact name", edits: []edit{{"{name: Carl Client, ", "{"}}, path: "clients[0].contacts[0].name", msg: "is required"},
		{name: "contact is agency person", edits: []edit{{"U0CARL0001", "U0SEO00001"}}, path: "clients[0].contacts[0].slack_user_id", msg: "belongs to a person of the agency"},
		{name: "contact slack id shape", edits: []edit{{"U0CARL0001", "carl"}}, path: "clients[0].contacts[0].slack_user_id", msg: "not a Slack user id"},
		{name: "ads customer id", edits: []edit{{`["123-456-7890"]`, `["123-4567-890"]`}}, path: "clients[0].google_ads.customer_ids[0]", msg: "not a Google Ads customer id"},
		{name: "ads customer id twice", edits: []edit{{`["123-456-7890"]`, `["123-456-7890", "1234567890"]`}}, path: "clients[0].google_ads.customer_ids[1]", msg: "listed twice"},
		{name: "ads login id", edits: []edit{{`"1112223333"`, `"111222333"`}}, path: "clients[0].google_ads.login_customer_id", msg: "not a Google Ads customer id"},
		{name: "sc url prefix slash", edits: []edit{{`"https://acme.example/"`, `"https://acme.example"`}}, path: "clients[0].search_console.properties[0]", msg: "must end with a slash"},
		{name: "sc domain", edits: []edit{{`"sc-domain:acme.example"`, `"sc-domain:https://acme.example"`}}, path: "clients[0].search_console.properties[1]", msg: "not a domain property"},
		{name: "sc garbage", edits: []edit{{`"https://acme.example/"`, `"acme.example"`}}, path: "clients[0].search_console.properties[0]", msg: "is not a property"},
		{name: "report recipient", edits: []edit{{"recipients: [carl@acme.example]", "recipients: [\"Carl <carl@acme.example>\"]"}}, path: "clients[0].report.recipients[0]", msg: "bare address"},
		{name: "report period", edits: []edit{{"period: monthly", "period: daily"}}, path: "clients[0].report.period", msg: "must be monthly or weekly"},
		{name: "report final day", edits: []edit{{"final_run_day: 5", "final_run_day: 31"}}, path: "clients[0].report.final_run_day", msg: "1..28"},
		{name: "report channel", edits: []edit{{"final_run_day: 5", "final_run_day: 5\n      post_to_client_channel: true"}, {"    slack_channels: [C0ACME0001]\n", ""}}, path: "clients[0].report.post_to_client_channel", msg: "needs the client's slack_channels"},
		{name: "report weekday", edits: []edit{{"final_run_day: 5", "final_run_day: 5\n      weekday: friday"}}, path: "clients[0].report.weekday", msg: "must be mon, tue"},
		{name: "currency", edits: []edit{{"currency: USD", "currency: usd"}}, path: "clients[0].billing.currency", msg: "not an ISO 4217 code"},
		{name: "currency missing", edits: []edit{{"      currency: USD\n", ""}}, path: "clients[0].billing.currency", msg: "is required when billing", at: "billing:"},
		{name: "rate role", edits: []edit{{"roles: {specialist: 50}", "roles: {designer: 50}"}}, path: "clients[0].billing.rates.roles.designer", msg: `unknown role "designer"`},
		{name: "rate person", edits: []edit{{"people: {seo: 60}", "people: {ghost: 60}"}}, path: "clients[0].billing.rates.people.ghost", msg: `no person with id "ghost"`},
		{name: "negative rate", edits: []edit{{"people: {seo: 60}", "people: {seo: -60}"}}, path: "clients[0].billing.rates.people.seo", msg: "must not be negative"},
		{name: "retainer", edits: []edit{{"retainer: 1000", "retainer: -1"}}, path: "clients[0].billing.retainer", msg: "must not be negative"},
		{name: "fee", edits: []edit{{"ads_management_fee_pct: 10", "ads_management_fee_pct: 150"}}, path: "clients[0].billing.ads_management_fee_pct", msg: "0..100"},

		// clients: exception windows
		{name: "window both kinds", edits: []edit{{`{name: planning, recurring:`, `{name: planning, from: "2026-01-01 10:00", recurring:`}}, path: "clients[0].exceptions[0]", msg: "either from/to or recurring"},
		{name: "window neither", edits: []edit{{`{name: planning, recurring: "first mon of month 10:00-11:00"}`, `{name: planning}`}}, path: "clients[0].exceptions[0]", msg: "needs from and to, or recurring"},
		{name: "window name", edits: []edit{{`{name: planning, recurring:`, `{recurring:`}}, path: "clients[0].exceptions[0].name", msg: "is required"},
		{name: "window recurrence", edits: []edit{{"first mon of month", "fifth mon of month"}}, path: "clients[0].exceptions[0].recurring", msg: "recurrence"},
		{name: "window order", edits: []edit{{`to: "2026-03-02 18:00"`, `to: "2026-03-02 08:00"`}}, path: "clients[0].exceptions[1].to", msg: "must be after from"},
		{name: "window bound", edits: []edit{{`from: "2026-03-02 09:00"`, `from: "2026-03-02T09:00"`}}, path: "clients[0].exceptions[1].from", msg: "is not \"YYYY-MM-DD HH:MM\""},
		{name: "window missing to", edits: []edit{{`, to: "2026-03-02 18:00"`, ``}}, path: "clients[0].exceptions[1].to", msg: "is required for a fixed window"},

		// rules
		{name: "deadline range", edits: []edit{{"rules:\n", "rules:\n  deadline: {warn_before_days: 99}\n"}}, path: "rules.deadline.warn_before_days", msg: "between 0 and 30", at: "warn_before_days: 99"},
		{name: "workload utilization", edits: []edit{{"rules:\n", "rules:\n  workload: {max_utilization: 0}\n"}}, path: "rules.workload.max_utilization", msg: "must be in (0, 1]"},
		{name: "workload digest day", edits: []edit{{"rules:\n", "rules:\n  workload: {digest_day: monday}\n"}}, path: "rules.workload.digest_day", msg: "mon..sun"},
		{name: "redirect template field", edits: []edit{{"rules:\n", "rules:\n  redirect: {templates: {en: \"Ask {{.Manager}}\"}}\n"}}, path: "rules.redirect.templates.en", msg: "template fails on sample data"},
		{name: "redirect template syntax", edits: []edit{{"rules:\n", "rules:\n  redirect: {specialist_templates: {ru: \"{{.AM\"}}\n"}}, path: "rules.redirect.specialist_templates.ru", msg: "not a valid template"},
		{name: "redirect template language", edits: []edit{{"rules:\n", "rules:\n  redirect: {templates: {de: \"Hallo {{.AM}}\"}}\n"}}, path: "rules.redirect.templates.de", msg: `unknown language "de"`},
		{name: "response order", edits: []edit{{"rules:\n", "rules:\n  response: {first_response: 5h}\n"}}, path: "rules.response.escalate_after", msg: "not be shorter than first_response"},
		{name: "response negative", edits: []edit{{"rules:\n", "rules:\n  response: {first_response: -1h, escalate_after: 1h}\n"}}, path: "rules.response.first_response", msg: "positive duration"},
		{name: "questions reaction", edits: []edit{{"rules:\n", "rules:\n  questions: {reaction: \":question:\"}\n"}}, path: "rules.questions.reaction", msg: "without colons"},
		{name: "questions due", edits: []edit{{"rules:\n", "rules:\n  questions: {due_in_days: 0}\n"}}, path: "rules.questions.due_in_days", msg: "between 1 and 30"},
		{name: "outofhours template", edits: []edit{{"rules:\n", "rules:\n  outofhours: {templates: {uk: \"{{.Later}}\"}}\n"}}, path: "rules.outofhours.templates.uk", msg: "template fails"},
		{name: "faq threshold", edits: []edit{{"rules:\n", "rules:\n  faq: {threshold: 1.2}\n"}}, path: "rules.faq.threshold", msg: "must be in (0, 1]"},
		{name: "checklist schedule", edits: []edit{{"schedule: monthly:1", "schedule: monthly:31"}}, path: "rules.checklists.lists.monthly.schedule", msg: `not "monthly:31"`},
		{name: "checklist items", edits: []edit{{"items: [Check data]", "items: []"}}, path: "rules.checklists.lists.monthly.items", msg: "at least one item"},
		{name: "checklist role", edits: []edit{{"assignee_role: account_manager\n        due", "assignee_role: intern\n        due"}}, path: "rules.checklists.lists.monthly.assignee_role", msg: `not "intern"`},
		{name: "checklist specialty for non-specialist", edits: []edit{{"assignee_role: account_manager\n        due", "assignee_role: account_manager\n        specialty: seo\n        due"}}, path: "rules.checklists.lists.monthly.specialty", msg: "only when assignee_role is specialist"},
		{name: "checklist skip unknown", edits: []edit{{"  checklists:\n", "  checklists:\n    skip: [weekly]\n"}}, path: "rules.checklists.skip[0]", msg: `no checklist named "weekly"`},
		{name: "anomaly change", edits: []edit{{"rules:\n", "rules:\n  anomaly: {min_change: 2}\n"}}, path: "rules.anomaly.min_change", msg: "must be in (0, 1]", at: "min_change: 2"},
		{name: "anomaly baseline", edits: []edit{{"rules:\n", "rules:\n  anomaly: {baseline_weeks: 12}\n"}}, path: "rules.anomaly.baseline_weeks", msg: "between 4 and 8 weeks"},
		{name: "anomaly severity", edits: []edit{{"rules:\n", "rules:\n  anomaly: {stopped_severity: urgent}\n"}}, path: "rules.anomaly.stopped_severity", msg: "info, warning or critical"},
		{name: "anomaly client override unknown key", edits: []edit{{"    jira_projects: [BETA]\n", "    jira_projects: [BETA]\n    rules:\n      anomaly: {min_drop: 0.3}\n"}}, path: "clients[1].rules.anomaly.min_drop", msg: `unknown key "min_drop"`},
		{name: "ads monthly budget", edits: []edit{{`login_customer_id: "1112223333"`, "login_customer_id: \"1112223333\"\n      monthly_budget: -1"}}, path: "clients[0].google_ads.monthly_budget", msg: "must not be negative"},
		{name: "client override invalid", edits: []edit{{"    jira_projects: [BETA]\n", "    jira_projects: [BETA]\n    rules:\n      response: {escalate_after: 1h}\n"}}, path: "clients[1].rules.response.escalate_after", msg: "not be shorter than first_response", at: "escalate_after: 1h"},
		{name: "client override unknown key", edits: []edit{{"    jira_projects: [BETA]\n", "    jira_projects: [BETA]\n    rules:\n      deadline: {warn_before: 3}\n"}}, path: "clients[1].rules.deadline.warn_before", msg: `unknown key "warn_before"`},

		// delivery
		{name: "route rule", edits: []edit{{"- rule: deadline", "- rule: deadlines"}}, path: "delivery.routes[0].rule", msg: `no rule named "deadlines"`},
		{name: "route severity", edits: []edit{{"severity: critical", "severity: urgent"}}, path: "delivery.routes[0].severity", msg: "info, warning or critical"},
		{name: "route recipient", edits: []edit{{"recipients: [account_manager,", "recipients: [manager,"}}, path: "delivery.routes[0].recipients[0]", msg: `not "manager"`},
		{name: "route channel", edits: []edit{{"channel:C0ALERTS01", "channel:alerts"}}, path: "delivery.routes[0].recipients[1]", msg: "not a Slack channel id"},
		{name: "route no recipients", edits: []edit{{`recipients: [account_manager, "channel:C0ALERTS01"]`, `recipients: []`}}, path: "delivery.routes[0].recipients", msg: "at least one recipient"},
		{name: "route escalation", edits: []edit{{"      escalate_after: 8h\n", ""}}, path: "delivery.routes[0].escalate_after", msg: "is required with escalate_to"},
		{name: "delivery interval", edits: []edit{{"delivery:\n", "delivery:\n  group_interval: 0s\n"}}, path: "delivery.group_interval", msg: "positive duration"},
		{name: "delivery digest time", edits: []edit{{"delivery:\n", "delivery:\n  digest_time: \"25:00\"\n"}}, path: "delivery.digest_time", msg: "not a time of day"},

		// connections
		{name: "jira incomplete", edits: []edit{{"", conn + "  jira: {base_url: \"https://x.atlassian.net\", email: bot@agency.example}\n"}}, path: "connections.jira.api_token", msg: "is required (or api_token_file)"},
		{name: "jira base url", edits: []edit{{"", conn + "  jira: {base_url: \"x.atlassian.net\", email: bot@agency.example, api_token: t}\n"}}, path: "connections.jira.base_url", msg: "absolute http(s) URL"},
		{name: "slack token kind", edits: []edit{{"", conn + "  slack: {bot_token: xoxp-user, app_token: xapp-1}\n"}}, path: "connections.slack.bot_token", msg: "starting with xoxb-"},
		{name: "slack mode", edits: []edit{{"", conn + "  slack: {mode: rtm}\n"}}, path: "connections.slack.mode", msg: `not "rtm"`},
		{name: "slack events needs signing secret", edits: []edit{{"", conn + "  slack: {bot_token: xoxb-1, mode: events}\n"}}, path: "connections.slack.signing_secret", msg: "required in events mode"},
		{name: "slack needs team id", edits: []edit{{"  slack_team_id: T0TESTTEAM\n", ""}, {"", conn + "  slack: {bot_token: xoxb-1, app_token: xapp-1}\n"}}, path: "agency.slack_team_id", msg: "required with a Slack connection"},
		{name: "google service account", edits: []edit{{"", conn + "  google: {service_account: \"{}\", drive: {shared_drive_id: 0AReports}}\n"}}, path: "connections.google.service_account", msg: "not a service account key"},
		{name: "google service account without shared drive", edits: []edit{{"", conn + "  google: {service_account: \"{\\\"type\\\":\\\"service_account\\\",\\\"client_email\\\":\\\"r@p.iam.gserviceaccount.com\\\",\\\"private_key\\\":\\\"-----BEGIN PRIVATE KEY-----\\\"}\"}\n"}}, path: "connections.google.drive.shared_drive_id", msg: "or use oauth"},
		{name: "google drive id", edits: []edit{{"", conn + "  google: {oauth: {client_id: a, client_secret: s, refresh_token: r}, drive: {folder_id: \"my folder\"}}\n"}}, path: "connections.google.drive.folder_id", msg: "not a Drive id"},
		{name: "google oauth incomplete", edits: []edit{{"", conn + "  google: {oauth: {client_id: abc, client_secret: s}}\n"}}, path: "connections.google.oauth.refresh_token", msg: "is required"},
		{name: "google ads version", edits: []edit{{"", conn + "  google: {ads: {api_version: \"22\"}}\n"}}, path: "connections.google.ads.api_version", msg: "must look like v22"},
		{name: "google ads without credentials", edits: []edit{{"", conn + "  google: {ads: {developer_token: abc}}\n"}}, path: "connections.google.ads.developer_token", msg: "needs Google credentials"},
		{name: "secret and file", edits: []edit{{"", conn + "  jira: {base_url: \"https://x.atlassian.net\", email: bot@agency.example, api_token: t, api_token_file: token}\n"}}, path: "connections.jira.api_token_file", msg: "either api_token or api_token_file", files: map[string]string{"token": "t2"}},
		{name: "secret file missing", edits: []edit{{"", conn + "  jira: {base_url: \"https://x.atlassian.net\", email: bot@agency.example, api_token_file: secrets/none}\n"}}, path: "connections.jira.api_token_file", msg: "reading cfg/secrets/none: file does not exist", at: "api_token_file"},
		{name: "secret file empty", edits: []edit{{"", conn + "  jira: {base_url: \"https://x.atlassian.net\", email: bot@agency.example, api_token_file: token}\n"}}, path: "connections.jira.api_token_file", msg: "is empty", files: map[string]string{"token": "\n"}},

		// environment
		{name: "unset variable outside connections", edits: []edit{{"name: Test Agency", "name: ${AGENCY_NAME}"}}, path: "agency.name", msg: "${AGENCY_NAME} is not set", at: "AGENCY_NAME"},
		{name: "malformed reference", edits: []edit{{"name: Test Agency", "name: \"${AGENCY NAME}\""}}, path: "agency.name", msg: "malformed variable reference"},
		{name: "unset variable in unknown connection", edits: []edit{{"", conn + "  jria: {api_token: \"${JIRA_TOKEN}\"}\n"}}, path: "connections.jria", msg: `unknown key "jria"`, also: "connections.jria.api_token: ${JIRA_TOKEN} is not set"},

		// shape
		{name: "unknown top-level key", edits: []edit{{"agency:", "agencies: {}\nagency:"}}, path: "agencies", msg: `unknown key "agencies"`, at: "agencies"},
		{name: "unknown key suggestion", edits: []edit{{"  timezone: Europe/Kyiv\n", "  timezone: Europe/Kyiv\n  time_zone: UTC\n"}}, path: "agency.time_zone", msg: `(did you mean "timezone"?)`},
		{name: "wrong kind int", edits: []edit{{"final_run_day: 5", "final_run_day: soon"}}, path: "clients[0].report.final_run_day", msg: "must be a whole number"},
		{name: "wrong kind duration", edits: []edit{{"escalate_after: 8h", "escalate_after: 8"}}, path: "delivery.routes[0].escalate_after", msg: "must be a duration"},
		{name: "wrong kind list", edits: []edit{{"specialists: [seo]", "specialists: seo"}}, path: "clients[0].specialists", msg: "must be a list, not a single value"},
		{name: "wrong kind mapping", edits: []edit{{"    capacity: {max_clients: 5}\n", "    capacity: 5\n"}}, path: "people[1].capacity", msg: "must be a mapping of keys"},
		{name: "duplicate key", edits: []edit{{"  language: en\n  slack", "  language: en\n  language: ru\n  slack"}}, path: "agency.language", msg: "duplicate key \"language\" (first defined at line 4)", at: "language: ru"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := baseConfig
			for _, e := range tc.edits {
				if e.old == "" {
					doc += e.new
					continue
				}
				doc = mustReplace(t, doc, e.old, e.new)
			}
			files := fstest.MapFS{}
			for name, content := range tc.files {
				files["cfg/"+name] = &fstest.MapFile{Data: []byte(content)}
			}
			_, err := Parse("cfg/agency.yaml", []byte(doc), envOf(tc.env), WithFS(files))
			if err == nil {
				t.Fatalf("no problems; want %s: %s", tc.path, tc.msg)
			}
			ps := problemsOf(t, err)
			if tc.also != "" {
				var rest Problems
				for _, p := range ps {
					if !strings.Contains(p.Path+": "+p.Msg, tc.also) {
						rest = append(rest, p)
					}
				}
				if len(rest) == len(ps) {
					t.Errorf("missing problem %q in:\n%v", tc.also, ps)
				}
				ps = rest
			}
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want exactly 1 (%s: %s):\n%v", len(ps), tc.path, tc.msg, ps)
			}
			p := ps[0]
			if p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = %s\nwant path %s, message containing %q", p, tc.path, tc.msg)
			}
			if p.File != "cfg/agency.yaml" || p.Line == 0 {
				t.Errorf("problem not located: %#v", p)
			}
			if tc.at != "" {
				if want := lineOf(t, doc, tc.at); p.Line != want {
					t.Errorf("problem at line %d, want %d (%q): %s", p.Line, want, tc.at, p)
				}
			}
		})
	}
}

// TestProblemsAreAllReported checks that the loader does not stop at the
// first problem: independent mistakes in every section come back together,
// sorted by line.
func TestProblemsAreAllReported(t *testing.T) {
	doc := baseConfig
	for _, e := range []edit{
		{"timezone: Europe/Kyiv", "timezone: Nowhere/City"},
		{"role: finance", "role: cfo"},
		{"[BETA]", "[beta]"},
		{"schedule: monthly:1", "schedule: yearly"},
		{"agency:", "bogus: 1\nagency:"},
	} {
		doc = mustReplace(t, doc, e.old, e.new)
	}
	_, err := Parse("cfg/agency.yaml", []byte(doc), envOf(nil), WithFS(fstest.MapFS{}))
	ps := problemsOf(t, err)
	wantPaths := []string{"bogus", "agency.timezone", "people[3].role", "clients[1].jira_projects[0]", "rules.checklists.lists.monthly.schedule"}
	if len(ps) != len(wantPaths) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(wantPaths), ps)
	}
	for i, p := range ps {
		if p.Path != wantPaths[i] {
			t.Errorf("problem %d path = %s, want %s", i, p.Path, wantPaths[i])
		}
		if i > 0 && p.Line < ps[i-1].Line {
			t.Errorf("problems not sorted by line: %v", ps)
		}
	}
}

func TestFAQProblems(t *testing.T) {
	withFAQ := mustReplace(t, baseConfig, "  default_holiday_calendar: ua\n", "  default_holiday_calendar: ua\n  faq: faq.yaml\n")
	withFAQ = mustReplace(t, withFAQ, "    name: Beta\n", "    name: Beta\n    language: uk\n")
	const good = `entries:
  - id: report
    tags: [reports]
    questions:
      en: ["When is the report ready?"]
      uk: ["Коли буде звіт?"]
    answers:
      en: "In the first days of the month."
      uk: "На початку місяця."
`
	cases := []struct {
		name, faq, path, msg, at string
	}{
		{name: "duplicate id", faq: good + "  - id: report\n    questions: {en: [\"Again?\"]}\n    answers: {en: a, uk: b}\n", path: "entries[1].id", msg: `duplicate entry id "report"`, at: "- id: report\n    questions: {en"},
		{name: "missing language used by a client", faq: mustReplace(t, good, "      uk: \"На початку місяця.\"\n", ""), path: "entries[0].answers", msg: "no answer in uk, the language of client beta", at: "answers:"},
		{name: "unknown language", faq: mustReplace(t, good, "      uk: [\"Коли буде звіт?\"]", "      de: [\"Wann?\"]"), path: "entries[0].questions.de", msg: `unknown language "de"`, at: "de:"},
		{name: "no questions", faq: mustReplace(t, mustReplace(t, good, "      en: [\"When is the report ready?\"]\n", ""), "      uk: [\"Коли буде звіт?\"]\n", ""), path: "entries[0].questions", msg: "at least one question"},
		{name: "unknown key", faq: mustReplace(t, good, "    tags:", "    tag: [x]\n    tags:"), path: "entries[0].tag", msg: `unknown key "tag"`, at: "tag: [x]"},
		{name: "bad tag", faq: mustReplace(t, good, "tags: [reports]", "tags: [Reports]"), path: "entries[0].tags[0]", msg: "must be lowercase"},
		{name: "empty answer", faq: mustReplace(t, good, `en: "In the first days of the month."`, `en: "  "`), path: "entries[0].answers.en", msg: "must not be empty"},
		{name: "missing id", faq: mustReplace(t, good, "  - id: report\n    tags", "  - tags"), path: "entries[0].id", msg: "is required"},
		{name: "empty negative", faq: mustReplace(t, good, "    answers:", "    not:\n      en: [\"Do you do TikTok?\", \" \"]\n    answers:"), path: "entries[0].not.en[1]", msg: "must not be empty"},
		{name: "negative in unknown language", faq: mustReplace(t, good, "    answers:", "    not:\n      de: [\"Wann?\"]\n    answers:"), path: "entries[0].not.de", msg: `unknown language "de"`, at: "de:"},
		{name: "one-word synonym group", faq: "synonyms:\n  - [лиды]\n" + good, path: "synonyms[0]", msg: "at least two words"},
		{name: "synonym of two words", faq: "synonyms:\n  - [pause, switch off]\n" + good, path: "synonyms[0][1]", msg: `"switch off" must be one word`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"cfg/faq.yaml": {Data: []byte(tc.faq)}}
			_, err := Parse("cfg/agency.yaml", []byte(withFAQ), envOf(nil), WithFS(fsys))
			ps := problemsOf(t, err)
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(ps), ps)
			}
			p := ps[0]
			if p.File != "cfg/faq.yaml" || p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = %s\nwant cfg/faq.yaml: %s: ...%s", p, tc.path, tc.msg)
			}
			if tc.at != "" && p.Line != lineOf(t, tc.faq, tc.at) {
				t.Errorf("problem at line %d, want %d", p.Line, lineOf(t, tc.faq, tc.at))
			}
		})
	}
	t.Run("good", func(t *testing.T) {
		cfg, err := Parse("cfg/agency.yaml", []byte(withFAQ), envOf(nil), WithFS(fstest.MapFS{"cfg/faq.yaml": {Data: []byte(good)}}))
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.FAQ.Entries) != 1 || cfg.FAQ.Entries[0].Answers["uk"] != "На початку місяця." {
			t.Errorf("FAQ = %+v", cfg.FAQ)
		}
		// One phrasing in uk and en, the languages of the clients: a
		// warning naming the entry, not a problem.
		ws := cfg.FAQWarnings()
		if len(ws) != 2 || !strings.Contains(ws[0], "entry report has 1 phrasing(s) in uk, the language of client beta") ||
			!strings.Contains(ws[1], "entry report has 1 phrasing(s) in en") {
			t.Errorf("FAQWarnings() = %q", ws)
		}
	})
	t.Run("negatives and synonyms", func(t *testing.T) {
		withNot := "synonyms:\n  - [лиды, заявки]\n" + mustReplace(t, good, "    answers:", "    not:\n      en: [\"Do you do TikTok ads?\"]\n    answers:")
		cfg, err := Parse("cfg/agency.yaml", []byte(withFAQ), envOf(nil), WithFS(fstest.MapFS{"cfg/faq.yaml": {Data: []byte(withNot)}}))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.FAQ.Entries[0].Not["en"]; len(got) != 1 || got[0] != "Do you do TikTok ads?" {
			t.Errorf("not = %q", got)
		}
		if len(cfg.FAQ.Synonyms) != 1 || cfg.FAQ.Synonyms[0][1] != "заявки" {
			t.Errorf("synonyms = %q", cfg.FAQ.Synonyms)
		}
	})
}

// TestLoadFAQ checks the answer base loaded on its own (faq eval -faq):
// no client, so no language is required of the answers, but every other
// problem is reported with the file's name.
func TestLoadFAQ(t *testing.T) {
	const enOnly = "entries:\n  - id: report\n    questions: {en: [\"Where is the report?\"]}\n    answers: {en: \"Pinned.\"}\n"
	fsys := fstest.MapFS{"faq.yaml": {Data: []byte(enOnly)}, "bad.yaml": {Data: []byte(enOnly + "  - id: Report\n    questions: {en: [x]}\n    answers: {en: y}\n")}}
	f, err := LoadFAQ("faq.yaml", WithFS(fsys))
	if err != nil || len(f.Entries) != 1 {
		t.Fatalf("LoadFAQ = %+v, %v", f, err)
	}
	_, err = LoadFAQ("bad.yaml", WithFS(fsys))
	ps := problemsOf(t, err)
	if len(ps) != 1 || ps[0].File != "bad.yaml" || ps[0].Path != "entries[1].id" {
		t.Errorf("problems = %v", ps)
	}
	if _, err := LoadFAQ("missing.yaml", WithFS(fsys)); err == nil || !strings.Contains(err.Error(), "reading answer base") {
		t.Errorf("missing file: %v", err)
	}
}
